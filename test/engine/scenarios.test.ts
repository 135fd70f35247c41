// One scenario per finding code of SPEC §2, each run through `asl-gate check --format json` on a
// real folder, asserting the exact codes reported (one root cause, no cascade), and the code's
// file and line.
import { describe, expect, it } from 'vitest';
import { edit, exampleRepo, lineOf } from '../helpers/repo.js';
import { checkJson } from '../helpers/cli.js';

const DECL = 'releases/nova-2/asl.yml';
const CBRN = 'releases/nova-2/assessments/cbrn.yml';
const AIRD = 'releases/nova-2/assessments/ai-rd.yml';
const base = () => exampleRepo('nova-2');

interface Scenario {
  name: string;
  /** Every finding's code, sorted: the exact set a run reports, duplicates included. */
  codes: string[];
  files: () => Record<string, string>;
  expect: { code: string; file: string; line?: (files: Record<string, string>) => number; severity?: string };
  exit?: number;
}

const scenarios: Scenario[] = [
  {
    name: 'yaml.invalid: duplicate key',
    codes: ['yaml.invalid'],
    files: () => ({ ...base(), [DECL]: `${base()[DECL]}model: nova-3\n` }),
    expect: { code: 'yaml.invalid', file: DECL, line: (f) => lineOf(f[DECL], 'model: nova-3') },
  },
  {
    name: 'input.too_large: an assessment over 256 KiB',
    codes: ['input.too_large', 'threshold.unassessed'], // the thresholds it was cited for are unassessed, said once
    files: () => ({ ...base(), [CBRN]: `${base()[CBRN]}${'# padding\n'.repeat(30_000)}` }),
    expect: { code: 'input.too_large', file: CBRN },
  },
  {
    name: 'schema.invalid: a bad date',
    codes: ['schema.invalid'],
    files: () => edit(base(), DECL, 'release_date: 2026-12-01', 'release_date: 2026-02-30'),
    expect: { code: 'schema.invalid', file: DECL, line: (f) => lineOf(f[DECL], 'release_date') },
  },
  {
    name: 'schema.invalid: an unknown nested key points at the key',
    codes: ['schema.invalid'],
    files: () =>
      edit(
        base(),
        DECL,
        '    evidence: reports/security-baseline.md',
        '    evidence: reports/security-baseline.md\n    colour: green',
      ),
    expect: { code: 'schema.invalid', file: DECL, line: (f) => lineOf(f[DECL], 'colour: green') },
  },
  {
    name: 'reference.missing: a report that does not exist',
    codes: ['reference.missing'],
    files: () => edit(base(), DECL, 'capability: reports/capability.md', 'capability: reports/capabilities.md'),
    expect: {
      code: 'reference.missing',
      file: DECL,
      line: (f) => lineOf(f[DECL], 'capability: reports/capabilities.md'),
    },
  },
  {
    name: 'reference.unsafe: evidence that leaves the repository',
    codes: ['reference.unsafe'],
    files: () => edit(base(), DECL, 'evidence: reports/security-baseline.md', 'evidence: ../../../etc/passwd'),
    expect: { code: 'reference.unsafe', file: DECL, line: (f) => lineOf(f[DECL], '../../../etc/passwd') },
  },
  {
    name: 'declaration.missing: a release folder without asl.yml',
    codes: ['declaration.missing'],
    files: () => ({ ...base(), 'releases/ghost/assessments/cbrn.yml': base()[CBRN] }),
    expect: { code: 'declaration.missing', file: 'releases/ghost' },
  },
  {
    name: 'policy.mismatch: the declaration names another pack',
    codes: ['policy.mismatch'],
    files: () => edit(base(), DECL, 'policy: anthropic-rsp-2.2', 'policy: openai-preparedness-2'),
    expect: { code: 'policy.mismatch', file: DECL, line: (f) => lineOf(f[DECL], 'policy:') },
  },
  {
    name: 'threshold.unassessed: a threshold cites no assessment of the release',
    codes: ['threshold.unassessed'],
    files: () =>
      edit(base(), DECL, /(id: AI-RD-5\n\s+status: ruled_out\n\s+assessments: )\[ai-rd-2026-11\]/, '$1[ai-rd-2025-01]'),
    expect: { code: 'threshold.unassessed', file: DECL, line: (f) => lineOf(f[DECL], 'ai-rd-2025-01') },
  },
  {
    name: 'threshold.contradicted: declared ruled_out, assessed not_ruled_out',
    codes: ['level.understated', 'level.understated', 'threshold.contradicted'], // CBRN-4 not ruled out requires ASL-4 of both standards
    files: () => edit(base(), CBRN, 'CBRN-4: ruled_out', 'CBRN-4: not_ruled_out'),
    expect: {
      code: 'threshold.contradicted',
      file: DECL,
      line: (f) => lineOf(f[DECL], 'status: ruled_out', f[DECL].indexOf('id: CBRN-4')),
    },
  },
  {
    name: 'level.understated: deployment below what CBRN-3 requires',
    codes: ['level.understated'],
    files: () => edit(base(), DECL, 'deployment: ASL-3', 'deployment: ASL-2'),
    expect: { code: 'level.understated', file: DECL, line: (f) => lineOf(f[DECL], 'deployment: ASL-2') },
  },
  {
    name: 'safeguard.missing: an ASL-3 safeguard not listed',
    codes: ['safeguard.missing', 'schema.invalid'], // the misspelt entry is a warning: not a safeguard of the pack
    files: () => edit(base(), DECL, 'id: deployment.bug-bounty', 'id: deployment.bug-bounty-program'),
    expect: { code: 'safeguard.missing', file: DECL, line: (f) => lineOf(f[DECL], 'safeguards:') },
  },
  {
    name: 'safeguard.unverified: a required safeguard only planned',
    codes: ['safeguard.unverified'],
    files: () => edit(base(), DECL, /(id: security.egress-controls\n\s+)status: implemented/, '$1status: planned'),
    expect: { code: 'safeguard.unverified', file: DECL, line: (f) => lineOf(f[DECL], 'status: planned') },
  },
  {
    name: 'evaluation.late: completed three days after due',
    codes: ['evaluation.late'],
    files: () => edit(base(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18'),
    expect: { code: 'evaluation.late', file: CBRN, line: (f) => lineOf(f[CBRN], 'completed:') },
  },
  {
    name: 'evaluation.overdue: not completed and past due',
    codes: [
      'evaluation.overdue',
      'level.understated',
      'threshold.unassessed',
      'threshold.unassessed',
      'threshold.unassessed',
    ], // its three thresholds rest on no completed assessment; AI-RD-5 then counts as not ruled out
    files: () => edit(base(), AIRD, 'completed: 2026-11-16', 'completed: null'),
    expect: { code: 'evaluation.overdue', file: AIRD, line: (f) => lineOf(f[AIRD], 'due:') },
  },
  {
    name: 'evaluation.stale: effective compute reached the multiple',
    codes: ['evaluation.stale'],
    files: () =>
      edit(
        base(),
        DECL,
        'effective_compute_since_last_comprehensive: 1.5',
        'effective_compute_since_last_comprehensive: 4',
      ),
    expect: { code: 'evaluation.stale', file: DECL, line: (f) => lineOf(f[DECL], 'effective_compute') },
  },
  {
    name: 'evaluation.stale: the newest comprehensive assessment is too old',
    codes: ['evaluation.stale', 'evaluation.stale', 'evaluation.stale'], // one per threshold it covers
    files: () =>
      edit(
        edit(base(), AIRD, 'due: 2026-11-16', 'due: 2026-04-01'),
        AIRD,
        'completed: 2026-11-16',
        'completed: 2026-04-01',
      ),
    expect: { code: 'evaluation.stale', file: AIRD, line: (f) => lineOf(f[AIRD], 'completed:') },
  },
  {
    name: 'report.missing: no security safeguards report at ASL-3',
    codes: ['report.missing'],
    files: () => edit(base(), DECL, '    security: reports/safeguards-security.md\n', ''),
    expect: { code: 'report.missing', file: DECL, line: (f) => lineOf(f[DECL], 'reports:') },
  },
  {
    name: 'review.missing: the external review has no receipt',
    codes: ['review.missing'],
    files: () => edit(base(), DECL, '      receipt: reviews/us-aisi-receipt.md\n', ''),
    expect: { code: 'review.missing', file: DECL, line: (f) => lineOf(f[DECL], 'reviews:') },
  },
];

describe('a scenario per finding code', () => {
  for (const s of scenarios) {
    it(s.name, async () => {
      const files = s.files();
      const { code, report } = await checkJson(files);
      expect(code).toBe(s.exit ?? 1);
      expect(report.verdict).toBe('fail');
      expect(report.findings.map((f) => f.code).sort(), JSON.stringify(report.findings, null, 2)).toEqual(s.codes);
      const hits = report.findings.filter((f) => f.code === s.expect.code && f.file === s.expect.file);
      expect(hits.length, JSON.stringify(report.findings, null, 2)).toBeGreaterThan(0);
      expect(hits.map((h) => h.severity)).toContain(s.expect.severity ?? 'error');
      if (s.expect.line) {
        expect(hits.map((h) => h.line)).toContain(s.expect.line(files));
        expect(hits.every((h) => h.column! >= 1)).toBe(true);
      }
    });
  }

  it('every SPEC code but policy.unknown (a configuration error) has a scenario', async () => {
    const { FINDING_CODES } = await import('../../src/findings.js');
    const covered = new Set(scenarios.map((s) => s.expect.code));
    // The pack-format-2 codes have their scenarios in test/engine/packs-format2.test.ts (built-in packs of that format).
    expect(FINDING_CODES.filter((c) => !covered.has(c))).toEqual([
      'policy.unknown',
      'threshold.halt',
      'artifact.missing',
      'research.unreported',
    ]);
  });

  it('policy.unknown: an unknown built-in pack is a configuration error (exit 2)', async () => {
    const files = edit(base(), '.github/asl-gate.yml', 'policy: anthropic-rsp-2.2', 'policy: anthropic-rsp-9');
    const { code, stderr } = await checkJson(files);
    expect(code).toBe(2);
    expect(stderr).toContain('.github/asl-gate.yml:2:9: policy.unknown');
    expect(stderr).toContain('anthropic-rsp-9');
  });

  it('policy.unknown: a pack path that does not exist', async () => {
    const files = edit(base(), '.github/asl-gate.yml', 'policy: anthropic-rsp-2.2', 'policy: policies/lab.yml');
    const { code, stderr } = await checkJson(files);
    expect(code).toBe(2);
    expect(stderr).toMatch(/policy\.unknown: pack file "policies\/lab\.yml" does not exist/);
  });

  it('a lateness acknowledged as noncompliance is a warning and requires approval', async () => {
    const files = edit(
      {
        ...edit(base(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18'),
        'releases/nova-2/reports/nc.md': '# nc\n',
      },
      DECL,
      /$/,
      'noncompliance:\n  - finding: evaluation.late\n    assessment: cbrn-2026-11\n    reason: Three days late.\n    report: reports/nc.md\n',
    );
    const { code, report } = await checkJson(files);
    expect(code).toBe(0);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'evaluation.late', severity: 'warning', file: CBRN }),
    ]);
    expect(report.findings[0].message).toContain('Three days late.');
    expect(report.releases[0]).toMatchObject({
      approval_required: true,
      noncompliance: [{ finding: 'evaluation.late', assessment: 'cbrn-2026-11' }],
    });
  });

  it('a noncompliance entry does not downgrade anything but evaluation.late', async () => {
    const files = edit(
      edit(base(), AIRD, 'completed: 2026-11-16', 'completed: null'),
      DECL,
      /$/,
      'noncompliance:\n  - finding: evaluation.overdue\n    assessment: ai-rd-2026-11\n    reason: Still running.\n',
    );
    const { report } = await checkJson(files);
    expect(report.findings.find((f) => f.code === 'evaluation.overdue')?.severity).toBe('error');
    // The entry that cannot apply is itself a finding, at its `finding:` value.
    const entry = report.findings.filter((f) => f.code === 'schema.invalid');
    expect(entry).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: DECL,
        line: lineOf(files[DECL], 'finding: evaluation.overdue'),
      }),
    ]);
    expect(entry[0].message).toContain('only evaluation.late');
    expect(report.findings.map((f) => f.code).sort()).toEqual([
      'evaluation.overdue',
      'level.understated',
      'schema.invalid',
      'threshold.unassessed',
      'threshold.unassessed',
      'threshold.unassessed',
    ]);
  });

  it('grace_days lets an evaluation finish a little late', async () => {
    let files = edit(base(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18');
    files = edit(files, '.github/asl-gate.yml', 'grace_days: 0', 'grace_days: 3');
    expect((await checkJson(files)).code).toBe(0);
  });
});

describe('clean releases', () => {
  it('the ASL-2 and ASL-3 examples pass with no findings', async () => {
    const { code, report } = await checkJson(exampleRepo('haiku-mini', 'nova-2'));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.releases.map((r) => [r.model, r.declared, r.required, r.verdict])).toEqual([
      ['haiku-mini', { deployment: 'ASL-2', security: 'ASL-2' }, { deployment: 'ASL-1', security: 'ASL-1' }, 'pass'],
      ['nova-2', { deployment: 'ASL-3', security: 'ASL-3' }, { deployment: 'ASL-3', security: 'ASL-3' }, 'pass'],
    ]);
  });

  it('split standards: AI-RD-4 not ruled out needs only security ASL-3', async () => {
    let files = base();
    files = edit(files, DECL, /(id: CBRN-3\n\s+)status: not_ruled_out/, '$1status: ruled_out');
    files = edit(files, DECL, /(id: AI-RD-4\n\s+)status: ruled_out/, '$1status: not_ruled_out');
    files = edit(files, DECL, 'deployment: ASL-3', 'deployment: ASL-2');
    files = edit(files, CBRN, 'CBRN-3: not_ruled_out', 'CBRN-3: ruled_out');
    files = edit(files, AIRD, 'AI-RD-4: ruled_out', 'AI-RD-4: not_ruled_out');
    const { code, report } = await checkJson(files);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.releases[0].required).toEqual({ deployment: 'ASL-1', security: 'ASL-3' });
    // ...and the same release declaring security ASL-2 is understated on security alone.
    const under = await checkJson(edit(files, DECL, 'security: ASL-3', 'security: ASL-2'));
    expect(under.report.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([
      'level.understated',
    ]);
  });

  it('one bad file never hides the findings of the others', async () => {
    let files = { ...exampleRepo('nova-2', 'orion-1') };
    files = edit(files, CBRN, 'id: cbrn-2026-11', 'id: [unclosed');
    const { report } = await checkJson(files);
    const codes = report.findings.map((f) => `${f.code} ${f.file}`);
    // The unreadable assessment leaves its thresholds unassessed rather than silently passing, said once.
    expect(codes.sort()).toEqual([
      'evaluation.late releases/orion-1/assessments/cbrn.yml',
      `threshold.unassessed ${DECL}`,
      `yaml.invalid ${CBRN}`,
    ]);
  });
});
