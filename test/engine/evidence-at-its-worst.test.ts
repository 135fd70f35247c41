// Issue 14's engine cases, through `asl-gate check` as a process: a threshold is judged by the
// release's evidence at its worst, a release cannot be backdated into freshness, dates start at
// 2000-01-01, and a release folder that lost its declaration is reported.
import { describe, expect, it } from 'vitest';
import { checkChange } from '../../src/engine/check.js';
import { loadPolicy } from '../../src/load/policy.js';
import { MemorySnapshot } from '../../src/snapshot/memory.js';
import { checkProcess, codesOf } from '../helpers/process.js';
import { edit, exampleRepo, lineOf } from '../helpers/repo.js';

const HAIKU = 'releases/haiku-mini/asl.yml';
const HAIKU_AIRD = 'releases/haiku-mini/assessments/ai-rd.yml';
const RECHECK = 'releases/haiku-mini/assessments/ai-rd-4-recheck.yml';
const NOVA = 'releases/nova-2/asl.yml';
const NOVA_CBRN = 'releases/nova-2/assessments/cbrn.yml';
const NOVA_AIRD = 'releases/nova-2/assessments/ai-rd.yml';

/** haiku-mini (ASL-2) with a second, preliminary assessment of AI-RD-4 completed `on` that found `result`. */
function haikuWithRecheck(result: string, on: string): Record<string, string> {
  const files = edit(
    exampleRepo('haiku-mini'),
    HAIKU,
    '  - assessments/ai-rd.yml\n',
    '  - assessments/ai-rd.yml\n  - assessments/ai-rd-4-recheck.yml\n',
  );
  files[RECHECK] =
    `id: ai-rd-4-recheck\nkind: preliminary\nthresholds: [AI-RD-4]\ndue: ${on}\ncompleted: ${on}\nresult:\n  AI-RD-4: ${result}\n`;
  return files;
}
const citeRecheckForAiRd4 = (files: Record<string, string>) =>
  edit(files, HAIKU, /(id: AI-RD-4\n\s+status: ruled_out\n\s+assessments: )\[ai-rd-2026-11\]/, '$1[ai-rd-4-recheck]');
const statusLineOf = (text: string, id: string) => lineOf(text, 'status:', text.indexOf(`id: ${id}`));

describe('what a threshold requires: the evidence at its worst, cited or not (issue 14 case 5)', () => {
  it('citing only a later, milder preliminary assessment does not hide the comprehensive one', () => {
    let files = citeRecheckForAiRd4(haikuWithRecheck('ruled_out', '2026-11-20'));
    files = edit(files, HAIKU_AIRD, 'AI-RD-4: ruled_out', 'AI-RD-4: not_ruled_out');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(codesOf(report.findings)).toEqual(['level.understated', 'threshold.contradicted']);
    const contradicted = report.findings.find((f) => f.code === 'threshold.contradicted')!;
    expect(contradicted).toMatchObject({ file: HAIKU, line: statusLineOf(files[HAIKU], 'AI-RD-4') });
    expect(contradicted.message).toContain('ai-rd-2026-11 found not_ruled_out');
    const understated = report.findings.find((f) => f.code === 'level.understated')!;
    expect(understated).toMatchObject({ file: HAIKU, line: lineOf(files[HAIKU], 'security: ASL-2') });
    expect(understated.message).toContain('AI-RD-4 (not_ruled_out) requires ASL-3');
    expect(report.releases[0].required).toEqual({ deployment: 'ASL-1', security: 'ASL-3' });
  });

  it('a later assessment that found worse counts although the declaration does not cite it', () => {
    const files = haikuWithRecheck('not_ruled_out', '2026-11-20');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(codesOf(report.findings)).toEqual(['level.understated', 'threshold.contradicted']);
    expect(report.findings.find((f) => f.code === 'threshold.contradicted')).toMatchObject({
      file: HAIKU,
      line: statusLineOf(files[HAIKU], 'AI-RD-4'),
    });
    expect(report.findings.find((f) => f.code === 'threshold.contradicted')!.message).toContain(
      'ai-rd-4-recheck found not_ruled_out',
    );
  });

  it('one completed the same day as the newest comprehensive assessment counts too', () => {
    const { code, report } = checkProcess(haikuWithRecheck('not_ruled_out', '2026-11-16'));
    expect(code).toBe(1);
    expect(codesOf(report.findings)).toEqual(['level.understated', 'threshold.contradicted']);
  });

  it('an earlier assessment is superseded by a newer comprehensive one', () => {
    const { code, report } = checkProcess(haikuWithRecheck('not_ruled_out', '2026-10-01'));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('staleness at the later of release_date and the check day (issue 14 case 6)', () => {
  /** nova-2 with both assessments due and completed on `day`, released on `release`. */
  const novaAssessedOn = (day: string, release: string) => {
    let files = exampleRepo('nova-2');
    files = edit(
      edit(files, NOVA_CBRN, 'due: 2026-11-15', `due: ${day}`),
      NOVA_CBRN,
      'completed: 2026-11-14',
      `completed: ${day}`,
    );
    files = edit(
      edit(files, NOVA_AIRD, 'due: 2026-11-16', `due: ${day}`),
      NOVA_AIRD,
      'completed: 2026-11-16',
      `completed: ${day}`,
    );
    return release === '2026-12-01' ? files : edit(files, NOVA, 'release_date: 2026-12-01', `release_date: ${release}`);
  };

  it('backdating release_date does not make old assessments fresh', () => {
    const files = novaAssessedOn('2026-01-10', '2026-02-01');
    const { code, report } = checkProcess(files, [], '2026-11-28');
    expect(code).toBe(1);
    // One per threshold: CBRN-3 and CBRN-4 at cbrn.yml, the three AI R&D thresholds at ai-rd.yml.
    expect(codesOf(report.findings)).toEqual(Array(5).fill('evaluation.stale'));
    expect(report.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual([
      ...Array(3).fill(`${NOVA_AIRD}:${lineOf(files[NOVA_AIRD], 'completed:')}`),
      ...Array(2).fill(`${NOVA_CBRN}:${lineOf(files[NOVA_CBRN], 'completed:')}`),
    ]);
    expect(report.findings[0].message).toContain(
      '322 days old at the check day 2026-11-28 (after release_date 2026-02-01)',
    );
  });

  it('the same release checked while its assessments are recent passes', () => {
    const { code, report } = checkProcess(novaAssessedOn('2026-01-10', '2026-02-01'), [], '2026-07-01');
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('a release dated after the check day is judged at its release_date', () => {
    const { report } = checkProcess(novaAssessedOn('2026-05-01', '2026-12-01'), [], '2026-06-01');
    expect(codesOf(report.findings)).toEqual(Array(5).fill('evaluation.stale'));
    expect(report.findings[0].message).toContain('214 days old at release_date 2026-12-01');
  });
});

describe('dates start at 2000-01-01 (issue 14 case 8)', () => {
  it('a year 0026 is schema.invalid, never 1926, and is the only finding', () => {
    const files = edit(exampleRepo('nova-2'), NOVA_CBRN, 'completed: 2026-11-14', 'completed: 0026-11-18');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'schema.invalid',
        file: NOVA_CBRN,
        line: lineOf(files[NOVA_CBRN], 'completed:'),
        message: 'completed: expected a date on or after 2000-01-01',
      }),
    ]);
  });

  it('a release_date before 2000 is schema.invalid at its line', () => {
    const files = edit(exampleRepo('nova-2'), NOVA, 'release_date: 2026-12-01', 'release_date: 1999-12-31');
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'schema.invalid', file: NOVA, line: lineOf(files[NOVA], 'release_date') }),
    ]);
  });

  it('--now before 2000 is a usage error', () => {
    const { code, stderr } = checkProcess(exampleRepo('nova-2'), [], '0099-01-01');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^asl-gate: .*--now/);
  });
});

describe('a release folder that lost its declaration', () => {
  const lost = () => {
    const files = { ...exampleRepo('nova-2', 'haiku-mini') } as Record<string, string>;
    delete files[NOVA];
    return files;
  };

  it('is declaration.missing when the repository root is checked', () => {
    const { code, report } = checkProcess(lost());
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'declaration.missing', file: 'releases/nova-2' }),
    ]);
    expect(report.releases.map((r) => r.model)).toEqual(['haiku-mini']);
  });

  it('is declaration.missing, once, under a releases glob with **', () => {
    let files = edit(
      lost(),
      '.github/asl-gate.yml',
      'releases: ["releases/*/asl.yml"]',
      'releases: ["releases/**/asl.yml"]',
    );
    files = { ...files, 'releases/README.md': '# Releases\n' };
    const { code, report } = checkProcess(files);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'declaration.missing', file: 'releases/nova-2' }),
    ]);
    expect(report.releases.map((r) => r.model)).toEqual(['haiku-mini']);
  });

  it('a ** glob finds declarations at any depth', () => {
    const files: Record<string, string> = {};
    for (const [p, text] of Object.entries(exampleRepo('nova-2')))
      files[p.replace('releases/nova-2/', 'releases/frontier/nova-2/')] = text;
    const { code, report } = checkProcess(
      edit(files, '.github/asl-gate.yml', 'releases: ["releases/*/asl.yml"]', 'releases: ["releases/**/asl.yml"]'),
    );
    expect(report.findings).toEqual([]);
    expect(report.releases.map((r) => r.declaration)).toEqual(['releases/frontier/nova-2/asl.yml']);
    expect(code).toBe(0);
  });

  it('in a pull request under a ** glob, a changed file of a release subfolder checks that release', async () => {
    const deep = (files: Record<string, string>) =>
      edit(files, '.github/asl-gate.yml', 'releases: ["releases/*/asl.yml"]', 'releases: ["releases/**/asl.yml"]');
    const judge = async (files: Record<string, string>, changedFiles: string[]) => {
      const snapshot = new MemorySnapshot(files);
      const policy = await loadPolicy(snapshot);
      if (!policy.ok) throw new Error(JSON.stringify(policy.findings));
      // No base to compare with: the snapshot stands for both sides of the change.
      return checkChange({
        base: snapshot,
        head: snapshot,
        changes: changedFiles.map((filename) => ({ filename, status: 'modified' as const })),
        policy: policy.policy,
        today: '2026-11-28',
      });
    };
    const touched = await judge(deep(exampleRepo('nova-2')), [NOVA_CBRN, 'releases/nova-2/reports/capability.md']);
    expect(touched.findings).toEqual([]);
    expect(touched.releases.map((r) => r.declaration)).toEqual([NOVA]);
    const lostFiles = deep(exampleRepo('nova-2'));
    delete lostFiles[NOVA];
    const lostRun = await judge(lostFiles, [NOVA_CBRN, NOVA_AIRD, 'releases/nova-2/reports/capability.md']);
    expect(lostRun.findings).toEqual([
      expect.objectContaining({ code: 'declaration.missing', file: 'releases/nova-2' }),
    ]);
  });
});
