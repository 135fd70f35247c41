import type { CheckReport } from '../engine/check.js';
import type { Finding } from '../findings.js';

export interface TextOptions {
  color: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

export function location(f: Finding): string {
  if (!f.file) return '';
  return f.line ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
}

/** Terminal report: one block per release, then a one-line verdict. */
export function renderText(report: CheckReport, opts: TextOptions): string {
  const paint = (code: number, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = (s: string) => paint(31, s);
  const yellow = (s: string) => paint(33, s);
  const green = (s: string) => paint(32, s);
  const dim = (s: string) => paint(2, s);
  const verdict = (v: string) => (v === 'pass' ? green('PASS') : red('FAIL'));
  const line = (f: Finding) =>
    `  ${f.severity === 'error' ? red('error  ') : yellow('warning')} ${f.code.padEnd(22)} ${dim(location(f))}\n      ${f.message}`;
  const out: string[] = [];
  const inReleases = new Set<Finding>(report.releases.flatMap((r) => r.findings));
  const general = report.findings.filter((f) => !inReleases.has(f));
  if (general.length > 0) {
    out.push('Changes outside any release');
    for (const f of general) out.push(line(f));
    out.push('');
  }
  for (const r of report.releases) {
    const levels = (m: Record<string, string> | undefined) =>
      m
        ? Object.entries(m)
            .map(([s, l]) => `${s} ${l}`)
            .join(', ')
        : '?';
    out.push(`${verdict(r.verdict)}  ${r.model ?? '(unreadable)'}  ${dim(r.declaration)}`);
    if (r.declared)
      out.push(
        `      declared ${levels(r.declared)}; required ${levels(r.required)}${r.approvalRequired ? '; RSO approval required' : ''}`,
      );
    for (const f of r.findings) out.push(line(f));
    out.push('');
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const failing = report.releases.filter((r) => r.verdict === 'fail').length;
  out.push(
    `${verdict(report.verdict)}  ${report.releases.length} release${report.releases.length === 1 ? '' : 's'}, ${failing} failing; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  return `${out.join('\n')}\n`;
}
