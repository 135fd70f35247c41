// Issue 16's engine items, through `asl-gate check` as a process: every finding a file can produce
// arrives in one run, one root cause gives one finding, noncompliance entries that cannot apply
// are findings, and messages count correctly.
import { describe, expect, it } from 'vitest';
import { checkProcess, codesOf } from '../helpers/process.js';
import { edit, exampleRepo, lineOf, ROOT, writeRepo } from '../helpers/repo.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DECL = 'releases/nova-2/asl.yml';
const CBRN = 'releases/nova-2/assessments/cbrn.yml';
const AIRD = 'releases/nova-2/assessments/ai-rd.yml';
const nova = () => exampleRepo('nova-2');
const withNoncompliance = (files: Record<string, string>, entry: string) =>
  edit(files, DECL, /$/, `noncompliance:\n  - ${entry.trim().replace(/\n/g, '\n    ')}\n`);

describe('a missing threshold entry is one finding', () => {
  it('an entry left out, its assessment ruling it out: threshold.unassessed alone', () => {
    const files = edit(nova(), DECL, '  - id: CBRN-4\n    status: ruled_out\n    assessments: [cbrn-2026-11]\n', '');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'threshold.unassessed', file: DECL, line: lineOf(files[DECL], 'thresholds:') }),
    ]);
    expect(report.findings[0].message).toBe('threshold CBRN-4 has no entry under thresholds');
  });

  it('with no assessment covering it either: no evaluation.stale at asl.yml:1:1, and the level it forces says "unassessed"', () => {
    let files = edit(nova(), DECL, '  - id: CBRN-4\n    status: ruled_out\n    assessments: [cbrn-2026-11]\n', '');
    files = edit(
      edit(files, CBRN, 'thresholds: [CBRN-3, CBRN-4]', 'thresholds: [CBRN-3]'),
      CBRN,
      '  CBRN-4: ruled_out\n',
      '',
    );
    const { report } = checkProcess(files);
    expect(codesOf(report.findings)).toEqual(['level.understated', 'level.understated', 'threshold.unassessed']);
    expect(report.findings.find((f) => f.code === 'threshold.unassessed')!.message).toBe(
      'threshold CBRN-4 has no entry under thresholds, and no completed comprehensive assessment of the release covers it',
    );
    for (const f of report.findings.filter((x) => x.code === 'level.understated')) {
      expect(f.message).toContain('required ASL-4: CBRN-4 (unassessed) requires ASL-4');
      expect(f.message).not.toContain('not_ruled_out');
    }
    expect(report.findings.some((f) => f.line === 1)).toBe(false);
  });

  it('no thresholds at all: one finding naming every threshold of the pack', () => {
    const files = edit(nova(), DECL, /thresholds:\n(  - id: [\s\S]*?)(?=safeguards:)/, '');
    const { report } = checkProcess(files);
    expect(codesOf(report.findings)).toEqual(['threshold.unassessed']);
    expect(report.findings[0].message).toContain('CBRN-3, CBRN-4, AI-RD-CHECKPOINT, AI-RD-4, AI-RD-5');
  });
});

describe('a mistyped assessment id is one finding', () => {
  it('in the declaration: one threshold.unassessed at its first citation, with the closest id', () => {
    const files = edit(
      edit(nova(), DECL, 'assessments: [cbrn-2026-11]', 'assessments: [cbrn-2026-1]'),
      DECL,
      'assessments: [cbrn-2026-11]',
      'assessments: [cbrn-2026-1]',
    );
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'threshold.unassessed', file: DECL, line: lineOf(files[DECL], 'cbrn-2026-1]') }),
    ]);
    expect(report.findings[0].message).toBe(
      '"cbrn-2026-1" is not an assessment of this release, cited for CBRN-3, CBRN-4; did you mean "cbrn-2026-11"?',
    );
  });

  it('in the assessment file: still one finding, pointing at the id the declaration cites', () => {
    const files = edit(nova(), CBRN, 'id: cbrn-2026-11', 'id: cbrn-2026-1l');
    const { report } = checkProcess(files);
    expect(codesOf(report.findings)).toEqual(['threshold.unassessed']);
    expect(report.findings[0].message).toContain('; did you mean "cbrn-2026-1l"?');
  });

  it('an assessment that fails the schema is its own finding: the thresholds citing it add none', () => {
    const files = edit(nova(), CBRN, 'kind: comprehensive', 'kind: comprehensiv');
    const { report } = checkProcess(files);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'schema.invalid', file: CBRN, line: lineOf(files[CBRN], 'kind:') }),
    ]);
  });
});

describe('noncompliance entries that cannot apply are findings', () => {
  it('a code that cannot be downgraded: schema.invalid at the entry, an error', () => {
    const files = withNoncompliance(nova(), 'finding: safeguard.missing\nreason: Bug bounty launches next month.');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'schema.invalid',
        severity: 'error',
        file: DECL,
        line: lineOf(files[DECL], 'finding: safeguard.missing'),
      }),
    ]);
    expect(report.findings[0].message).toBe(
      'noncompliance[0].finding: safeguard.missing cannot be acknowledged; only evaluation.late turns into a warning, and nothing else downgrades an error',
    );
  });

  it('an assessment that was not late: a warning, and the release still passes (with RSO approval required)', () => {
    const files = withNoncompliance(
      nova(),
      'finding: evaluation.late\nassessment: cbrn-2026-11\nreason: Thought it was late.',
    );
    const { code, report } = checkProcess(files);
    expect(code).toBe(0);
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'schema.invalid',
        severity: 'warning',
        file: DECL,
        line: lineOf(files[DECL], 'assessment: cbrn-2026-11'),
      }),
    ]);
    expect(report.findings[0].message).toBe(
      'noncompliance[0]: assessment cbrn-2026-11 was completed 2026-11-14, on time (due 2026-11-15), so this entry acknowledges nothing',
    );
    expect(report.releases[0].approval_required).toBe(true);
  });

  it('a mistyped code or assessment names the closest', () => {
    const files = withNoncompliance(
      edit(nova(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18'),
      'finding: evaluation.lat\nassessment: cbrn-2026-1\nreason: Late.',
    );
    const { report } = checkProcess(files);
    expect(codesOf(report.findings)).toEqual(['evaluation.late', 'schema.invalid']);
    expect(report.findings.find((f) => f.code === 'schema.invalid')!.message).toContain(
      '; did you mean "evaluation.late"?',
    );
    const fixedCode = withNoncompliance(
      edit(nova(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18'),
      'finding: evaluation.late\nassessment: cbrn-2026-1\nreason: Late.',
    );
    const again = checkProcess(fixedCode).report;
    expect(codesOf(again.findings)).toEqual(['evaluation.late', 'schema.invalid']);
    expect(again.findings.find((f) => f.code === 'schema.invalid')!.message).toContain(
      '; did you mean "cbrn-2026-11"?',
    );
  });

  it('evaluation.late naming no assessment is schema.invalid at the entry', () => {
    const files = withNoncompliance(nova(), 'finding: evaluation.late\nreason: Something was late.');
    const { report } = checkProcess(files);
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'schema.invalid',
        severity: 'error',
        file: DECL,
        line: lineOf(files[DECL], 'finding: evaluation.late'),
      }),
    ]);
  });
});

describe('one wave of findings', () => {
  it('a bad level name, an invalid date and a `staus:` typo are reported in the same run', () => {
    let files = edit(nova(), DECL, 'deployment: ASL-3', 'deployment: ASL3');
    files = edit(files, DECL, 'release_date: 2026-12-01', 'release_date: 2026-02-30');
    files = edit(files, DECL, /(id: AI-RD-4\n\s+)status:/, '$1staus:');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    const at = (needle: string) => lineOf(files[DECL], needle);
    // The YAML reader words the schema's findings; the engine adds the level it reads on its own.
    expect(new Set(codesOf(report.findings))).toEqual(new Set(['schema.invalid']));
    const lines = report.findings.map((f) => f.line);
    for (const needle of ['release_date', 'deployment: ASL3', 'staus:']) expect(lines).toContain(at(needle));
    expect(report.findings.find((f) => f.line === at('deployment: ASL3'))!.message).toBe(
      'declared.deployment: expected one of "ASL-1", "ASL-2", "ASL-3", "ASL-4"',
    );
  });

  it('unreadable levels still let the thresholds and the assessments be judged', () => {
    let files = edit(nova(), DECL, /declared:\n(  .*\n)+/, 'declared: ASL-3\n');
    files = edit(files, CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(codesOf(report.findings)).toEqual(['evaluation.late', 'schema.invalid']);
    expect(report.releases[0]).toMatchObject({
      declared: null,
      required: { deployment: 'ASL-3', security: 'ASL-3' },
      approval_required: true,
    });
  });

  it('a schema error and a missing report arrive together', () => {
    let files = edit(
      nova(),
      DECL,
      '    evidence: reports/security-baseline.md',
      '    evidence: reports/security-baseline.md\n    colour: green',
    );
    files = edit(files, DECL, '    security: reports/safeguards-security.md\n', '');
    const { report } = checkProcess(files);
    expect(codesOf(report.findings)).toEqual(['report.missing', 'schema.invalid']);
  });

  it('a file that fails only the schema never passes, and its readable parts still show', () => {
    const files = edit(nova(), DECL, 'model: nova-2', 'model: nova-2\nsnapshot: 5');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'schema.invalid', file: DECL, line: lineOf(files[DECL], 'snapshot: 5') }),
    ]);
    expect(report.releases[0]).toMatchObject({
      model: 'nova-2',
      verdict: 'fail',
      declared: { deployment: 'ASL-3', security: 'ASL-3' },
    });
  });
});

describe('plurals', () => {
  it('"1 day" overdue and late, "1 error" in the Markdown summary', () => {
    let files = edit(nova(), AIRD, 'completed: 2026-11-16', 'completed: null');
    files = edit(files, AIRD, 'due: 2026-11-16', 'due: 2026-11-27');
    files = edit(files, CBRN, 'completed: 2026-11-14', 'completed: 2026-11-16');
    const { report } = checkProcess(files);
    const messages = report.findings.map((f) => f.message);
    expect(messages).toContainEqual(expect.stringContaining('(1 day overdue)'));
    expect(messages).toContainEqual(expect.stringContaining(', 1 day after its due date'));
    const root = writeRepo(edit(nova(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-16'));
    const md = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/asl-gate.js'), 'check', '--format', 'markdown', '--now', '2026-11-28'],
      { cwd: root, encoding: 'utf8' },
    ).stdout;
    expect(md).toContain('### Findings (1 error, 0 warnings)');
    expect(md).toContain('1 day late : crit');
  });
});
