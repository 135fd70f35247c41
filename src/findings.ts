/** Finding codes of SPEC §2. Stable: tests, docs and users rely on them. */
export const FINDING_CODES = [
  'yaml.invalid',
  'input.too_large',
  'schema.invalid',
  'reference.missing',
  'reference.unsafe',
  'declaration.missing',
  'policy.unknown',
  'policy.mismatch',
  'threshold.unassessed',
  'threshold.contradicted',
  'level.understated',
  'safeguard.missing',
  'safeguard.unverified',
  'evaluation.late',
  'evaluation.overdue',
  'evaluation.stale',
  'report.missing',
  'review.missing',
  // Pack format 2 (docs/findings.md):
  'threshold.halt',
  'artifact.missing',
  'research.unreported',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'error' | 'warning';

/** Where a finding points: a repository-relative file and a 1-based position. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
}

export interface Finding extends Location {
  code: FindingCode;
  severity: Severity;
  message: string;
}

export type Verdict = 'pass' | 'fail';

/**
 * A location, or how to find it: finding a YAML node's line can mean parsing the file again, so
 * hot paths pass a thunk that runs only if a finding is actually made.
 */
export type Where = Location | (() => Location);

export function error(code: FindingCode, message: string, where: Where = {}): Finding {
  return withLocation({ code, severity: 'error', message }, typeof where === 'function' ? where() : where);
}

export function warning(code: FindingCode, message: string, where: Where = {}): Finding {
  return withLocation({ code, severity: 'warning', message }, typeof where === 'function' ? where() : where);
}

function withLocation(f: Finding, at: Location): Finding {
  // Keep key order stable (code, severity, message, file, line, column) for readable JSON.
  if (at.file !== undefined) f.file = at.file;
  if (at.line !== undefined) f.line = at.line;
  if (at.column !== undefined) f.column = at.column;
  return f;
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  return findings.some((f) => f.severity === 'error') ? 'fail' : 'pass';
}

/** Sort by file, line, column, code so output is deterministic. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      cmp(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
