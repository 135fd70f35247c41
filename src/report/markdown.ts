import type { CheckReport } from '../engine/check.js';
import type { ReleaseResult } from '../engine/evaluate.js';
import type { Finding } from '../findings.js';
import { location } from './text.js';

/** Table cells: user-controlled text must not break the table or inject HTML. */
export function cell(s: string): string {
  // Most cells need nothing: string searches say so without compiling the regexes below.
  if (
    !s.includes('\r') &&
    !s.includes('\n') &&
    !s.includes('&') &&
    !s.includes('<') &&
    !s.includes('>') &&
    !s.includes('|')
  )
    return s;
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/\|/g, '\\|');
}

/** Mermaid names: letters, digits and a few separators only (':' and '#' break the grammar). */
export function mermaidName(s: string): string {
  let out = '';
  // Character by character: a regex replace would be compiled for the few names a run has.
  for (let i = 0; i < s.length && i < 60; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 32 || c === 46 || c === 95 || c === 45;
    out += ok ? s[i] : '_';
  }
  return out || '_';
}

const icon = (v: string) => (v === 'pass' ? '✅ pass' : '❌ fail');
const levels = (m: Record<string, string> | undefined) =>
  m
    ? Object.entries(m)
        .map(([s, l]) => `${s} ${l}`)
        .join(', ')
    : '—';

/** A Mermaid gantt of each assessment's due date against its completion: late spans are `crit`. */
export function gantt(r: ReleaseResult, today: string): string {
  const lines = [
    '```mermaid',
    'gantt',
    `  title ${mermaidName(r.model ?? r.declaration)}: evaluations due vs. completed`,
    '  dateFormat YYYY-MM-DD',
    '  axisFormat %Y-%m-%d',
  ];
  for (const t of [...r.timeline].sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1))) {
    lines.push(`  section ${mermaidName(t.id)}`);
    lines.push(`  due : milestone, ${t.due}, 0d`);
    if (t.completed && t.daysLate > 0) {
      lines.push(
        `  ${t.daysLate} day${t.daysLate === 1 ? '' : 's'} late${t.acknowledged ? ' (acknowledged)' : ''} : ${t.acknowledged ? 'active' : 'crit'}, ${t.due}, ${t.completed}`,
      );
    } else if (t.completed) {
      lines.push(`  completed : done, ${t.completed}, 1d`);
    } else if (t.overdue) {
      lines.push(`  overdue, not completed : crit, ${t.due}, ${today}`);
    } else {
      lines.push(`  not yet due : ${today}, ${t.due}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

function findingsTable(findings: Finding[]): string[] {
  const rows = ['| | Code | Where | Message |', '|---|---|---|---|'];
  for (const f of findings)
    rows.push(
      `| ${f.severity === 'error' ? '❌' : '⚠️'} | \`${f.code}\` | ${cell(location(f)) || '—'} | ${cell(f.message)} |`,
    );
  return rows;
}

/** The job-summary report: a table of releases, the findings, and each release's timeline. */
export function renderMarkdown(report: CheckReport, today: string): string {
  const out: string[] = [`## ASL gate: ${icon(report.verdict)}`, ''];
  if (report.releases.length === 0 && report.findings.length === 0) {
    out.push('No release declaration was checked.');
    return `${out.join('\n')}\n`;
  }
  if (report.releases.length > 0) {
    out.push('| Release | Model | Declared | Required | RSO approval | Verdict |', '|---|---|---|---|---|---|');
    for (const r of report.releases) {
      out.push(
        `| ${cell(r.declaration)} | ${cell(r.model ?? '—')} | ${cell(levels(r.declared))} | ${cell(levels(r.required))} | ${r.approvalRequired ? 'required' : 'not required'} | ${icon(r.verdict)} |`,
      );
    }
    out.push('');
  }
  if (report.findings.length > 0) {
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const warnings = report.findings.length - errors;
    out.push(
      `### Findings (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`,
      '',
    );
    out.push(...findingsTable(report.findings), '');
  }
  for (const r of report.releases) {
    if (r.noncompliance.length > 0) {
      out.push(`### Acknowledged noncompliance — ${cell(r.model ?? r.declaration)}`, '');
      for (const n of r.noncompliance)
        out.push(`- \`${cell(n.finding)}\`${n.assessment ? ` (${cell(n.assessment)})` : ''}: ${cell(n.reason)}`);
      out.push('');
    }
    if (r.timeline.length > 0) {
      out.push(`### Evaluations — ${cell(r.model ?? r.declaration)}`, '', gantt(r, today), '');
    }
  }
  return `${out.join('\n')}\n`;
}
