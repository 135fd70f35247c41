// Each rule of src/engine/rules/ on its own, on releases read from an in-memory snapshot: what it finds
// and what it leaves to the others.
import { describe, expect, it } from 'vitest';
import { loadPolicy, type Policy } from '../../src/load/policy.js';
import { DEFAULT_CAPS } from '../../src/load/read-yaml.js';
import { loadRelease, type LoadedRelease } from '../../src/load/release.js';
import { indexAssessments } from '../../src/engine/rules/assessments.js';
import { cadence } from '../../src/engine/rules/cadence.js';
import type { ReleaseContext } from '../../src/engine/rules/context.js';
import { declaredLevels, policyMatches } from '../../src/engine/rules/declared.js';
import { evidenceFor, newestComprehensive } from '../../src/engine/rules/evidence.js';
import { noncompliance } from '../../src/engine/rules/noncompliance.js';
import { reportsAndReviews } from '../../src/engine/rules/reports-and-reviews.js';
import { safeguards } from '../../src/engine/rules/safeguards.js';
import { levelsAndThresholds, thresholdEntries } from '../../src/engine/rules/thresholds.js';
import { timeliness } from '../../src/engine/rules/timeliness.js';
import { MemorySnapshot } from '../../src/snapshot/memory.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { closest } from '../../src/suggest.js';

const DECL = 'releases/nova-2/asl.yml';
const CBRN = 'releases/nova-2/assessments/cbrn.yml';
const AIRD = 'releases/nova-2/assessments/ai-rd.yml';

/** The context judgeRelease gives the rules, for `files` read from memory, judged on `today`. */
async function contextOf(
  files: Record<string, string>,
  today = '2026-11-28',
): Promise<{ ctx: ReleaseContext; release: LoadedRelease; policy: Policy }> {
  const snapshot = new MemorySnapshot(files);
  const loaded = await loadPolicy(snapshot);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.findings));
  const policy = loaded.policy;
  const release = await loadRelease(snapshot, DECL, DEFAULT_CAPS);
  const decl = release.declaration;
  if (!decl) throw new Error(JSON.stringify(release.findings));
  const at: ReleaseContext['at'] = (path, key = false) => decl.parsed.locate(path, { key });
  const ctx: ReleaseContext = {
    pack: policy.pack.pack,
    index: policy.pack,
    settings: policy.settings,
    today,
    declaration: decl.data,
    at,
    levels: declaredLevels(decl.data.declared, policy.pack, at).levels,
    assessments: indexAssessments(release.assessments, policy.pack, today).assessments,
    unreadable: release.unreadableAssessments ?? { files: [], ids: new Set() },
  };
  return { ctx, release, policy };
}
const nova = () => exampleRepo('nova-2');
const codes = (findings: Array<{ code: string }>) => findings.map((f) => f.code).sort();

describe('declared: policyMatches and declaredLevels', () => {
  it('the declaration must name the repository pack', async () => {
    const { ctx } = await contextOf(edit(nova(), DECL, 'policy: anthropic-rsp-2.2', 'policy: other-pack'));
    expect(codes(policyMatches(ctx.declaration, ctx.index, ctx.at))).toEqual(['policy.mismatch']);
    expect(policyMatches({ policy: 'anthropic-rsp-2.2' }, ctx.index, ctx.at)).toEqual([]);
  });

  it('levels: a pack level per pack standard; a bad one counts as below the lowest', async () => {
    const { ctx } = await contextOf(nova());
    const { levels, findings } = declaredLevels(
      { deployment: 'ASL3', colour: 'ASL-2', basis: 'gut feeling' },
      ctx.index,
      ctx.at,
    );
    expect(findings.map((f) => f.message)).toEqual([
      'declared.deployment: expected one of "ASL-1", "ASL-2", "ASL-3", "ASL-4"',
      'declared: "colour" is not a standard of anthropic-rsp-2.2 (expected "deployment", "security")',
      'declared.basis: expected "determined" or "precautionary"',
      'declared is missing the "security" standard',
    ]);
    expect(levels.rankOf('deployment')).toBe(-1);
    expect(levels.atOrAbove('ASL-1')).toBe(false);
    expect(ctx.levels.names).toEqual({ deployment: 'ASL-3', security: 'ASL-3' });
    expect([ctx.levels.atOrAbove('ASL-3'), ctx.levels.atOrAbove('ASL-4'), ctx.levels.atOrAbove(undefined)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('assessments: indexAssessments', () => {
  it('checks what needs only the assessment and the pack', async () => {
    let files = edit(nova(), AIRD, 'id: ai-rd-2026-11', 'id: cbrn-2026-11');
    files = edit(files, CBRN, 'thresholds: [CBRN-3, CBRN-4]', 'thresholds: [CBRN-3, CBRN-9]');
    files = edit(files, CBRN, 'completed: 2026-11-14', 'completed: 2026-11-30');
    const { release, policy } = await contextOf(files);
    const { assessments, findings } = indexAssessments(release.assessments, policy.pack, '2026-11-28');
    expect([...assessments.keys()]).toEqual(['cbrn-2026-11']);
    expect(findings.map((f) => f.message)).toEqual([
      'thresholds[1]: "CBRN-9" is not a threshold of anthropic-rsp-2.2',
      'result: "CBRN-4" is not one of the thresholds this assessment covers',
      'completed: 2026-11-30 is in the future (today is 2026-11-28)',
      'result: a completed assessment needs a result for "CBRN-9"',
      'id: "cbrn-2026-11" is used by another assessment of this release (releases/nova-2/assessments/cbrn.yml)',
    ]);
  });
});

describe('evidence: the release at its worst', () => {
  const withRecheck = (result: string, on: string, kind = 'preliminary') => ({
    ...edit(nova(), DECL, '  - assessments/ai-rd.yml\n', '  - assessments/ai-rd.yml\n  - assessments/recheck.yml\n'),
    'releases/nova-2/assessments/recheck.yml': `id: recheck\nkind: ${kind}\nthresholds: [AI-RD-4]\ndue: ${on}\ncompleted: ${on}\nresult:\n  AI-RD-4: ${result}\n`,
  });

  it('the newest comprehensive assessment and everything completed on or after it decide', async () => {
    const later = (await contextOf(withRecheck('crossed', '2026-11-20'))).ctx.assessments;
    expect(evidenceFor(later.values(), 'AI-RD-4')).toMatchObject({
      status: 'crossed',
      by: { data: { id: 'recheck' } },
    });
    const earlier = (await contextOf(withRecheck('crossed', '2026-10-20'))).ctx.assessments;
    expect(evidenceFor(earlier.values(), 'AI-RD-4')).toMatchObject({
      status: 'ruled_out',
      by: { data: { id: 'ai-rd-2026-11' } },
    });
    const newerComprehensive = (await contextOf(withRecheck('ruled_out', '2026-11-20', 'comprehensive'))).ctx
      .assessments;
    expect(newestComprehensive(newerComprehensive.values(), 'AI-RD-4')!.data.id).toBe('recheck');
    expect(evidenceFor(newerComprehensive.values(), 'AI-RD-5')!.by.data.id).toBe('ai-rd-2026-11');
  });

  it('an incomplete assessment is no evidence', async () => {
    const { ctx } = await contextOf(edit(nova(), AIRD, 'completed: 2026-11-16', 'completed: null'));
    expect(evidenceFor(ctx.assessments.values(), 'AI-RD-4')).toBeUndefined();
    expect(newestComprehensive(ctx.assessments.values(), 'AI-RD-4')).toBeUndefined();
  });
});

describe('thresholds: levelsAndThresholds', () => {
  it('the example release requires what it declares, with no finding', async () => {
    const { ctx } = await contextOf(nova());
    const { entries, findings } = thresholdEntries(ctx);
    expect(findings).toEqual([]);
    expect(levelsAndThresholds(ctx, entries)).toEqual({
      findings: [],
      required: { deployment: 'ASL-3', security: 'ASL-3' },
      reached: new Set(['CBRN-3']),
    });
  });

  it('unknown and repeated entries are schema findings', async () => {
    const files = edit(edit(nova(), DECL, 'id: AI-RD-5', 'id: AI-RD-4'), DECL, 'id: CBRN-4', 'id: CBRN-5');
    const { ctx } = await contextOf(files);
    expect(thresholdEntries(ctx).findings.map((f) => f.message)).toEqual([
      'thresholds[1].id: "CBRN-5" is not a threshold of anthropic-rsp-2.2',
      'thresholds[4].id: "AI-RD-4" has an entry already',
    ]);
  });

  it('crossed evidence sets the requirement even when the entry says ruled_out', async () => {
    const { ctx } = await contextOf(edit(nova(), AIRD, 'AI-RD-5: ruled_out', 'AI-RD-5: crossed'));
    const r = levelsAndThresholds(ctx, thresholdEntries(ctx).entries);
    expect(r.required).toEqual({ deployment: 'ASL-3', security: 'ASL-4' });
    expect(codes(r.findings)).toEqual(['level.understated', 'threshold.contradicted']);
    expect(r.findings.find((f) => f.code === 'level.understated')!.message).toBe(
      'declared security ASL-3 is below the required ASL-4: AI-RD-5 (crossed) requires ASL-4',
    );
  });
});

describe('safeguards', () => {
  it('cumulative up to the declared level; unknown entries are warnings', async () => {
    let files = edit(nova(), DECL, /(id: security.egress-controls\n\s+)status: implemented/, '$1status: planned');
    files = edit(files, DECL, '    evidence: https://example.org/asl3/deployment.red-teaming\n', '');
    files = edit(files, DECL, 'id: deployment.bug-bounty', 'id: deployment.bug-bounty-v2');
    const { ctx } = await contextOf(files);
    expect(safeguards(ctx).map((f) => [f.code, f.severity, f.message])).toEqual([
      [
        'schema.invalid',
        'warning',
        'safeguards[5].id: "deployment.bug-bounty-v2" is not a safeguard of anthropic-rsp-2.2; it is not checked',
      ],
      ['safeguard.unverified', 'error', 'safeguard deployment.red-teaming is implemented but gives no evidence'],
      [
        'safeguard.missing',
        'error',
        'safeguard deployment.bug-bounty (Bug bounty for universal jailbreaks) is required at deployment ASL-3 but not listed',
      ],
      [
        'safeguard.unverified',
        'error',
        'safeguard security.egress-controls is required at security ASL-3 but is planned',
      ],
    ]);
  });
});

describe('timeliness', () => {
  it('late, acknowledged late and overdue, with grace and plurals', async () => {
    let files = edit(nova(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-17');
    files = edit(files, AIRD, 'completed: 2026-11-16', 'completed: null');
    const { ctx } = await contextOf(files);
    const run = (graceDays: number, acknowledged: Array<[string, string]> = []) =>
      timeliness(ctx.assessments.values(), { today: '2026-11-28', graceDays, lateAcknowledged: new Map(acknowledged) });
    expect(run(1).findings.map((f) => [f.code, f.severity, f.message])).toEqual([
      [
        'evaluation.late',
        'error',
        'assessment cbrn-2026-11 was completed 2026-11-17, 1 day after its due date 2026-11-15 + 1 grace day',
      ],
      [
        'evaluation.overdue',
        'error',
        'assessment ai-rd-2026-11 was due 2026-11-16 + 1 grace day and is not completed (11 days overdue)',
      ],
    ]);
    const acked = run(0, [['cbrn-2026-11', 'Reviewed.']]);
    expect(acked.findings[0]).toMatchObject({ code: 'evaluation.late', severity: 'warning' });
    expect(acked.timeline.map((t) => [t.id, t.daysLate, t.overdue, t.acknowledged])).toEqual([
      ['cbrn-2026-11', 2, false, true],
      ['ai-rd-2026-11', 0, true, false],
    ]);
  });
});

describe('cadence', () => {
  it('judged at the later of release_date and the check day', async () => {
    const files = edit(
      edit(nova(), AIRD, 'due: 2026-11-16', 'due: 2026-04-01'),
      AIRD,
      'completed: 2026-11-16',
      'completed: 2026-04-01',
    );
    const dated = (release: string, today: string) =>
      contextOf(edit(files, DECL, 'release_date: 2026-12-01', `release_date: ${release}`), today);
    const early = await dated('2026-05-01', '2026-09-30'); // 182 days at the check day
    expect(cadence(early.ctx, thresholdEntries(early.ctx).entries)).toEqual([]);
    const late = await dated('2026-05-01', '2026-10-02'); // 184 days at the check day
    expect(cadence(late.ctx, thresholdEntries(late.ctx).entries).map((f) => f.message)).toEqual(
      ['AI-RD-CHECKPOINT', 'AI-RD-4', 'AI-RD-5'].map(
        (t) =>
          `the newest comprehensive assessment of ${t} (ai-rd-2026-11, completed 2026-04-01) is 184 days old at the check day 2026-10-02 (after release_date 2026-05-01); the policy allows 183`,
      ),
    );
  });

  it('leaves a threshold with no completed assessment at all to levelsAndThresholds', async () => {
    const { ctx } = await contextOf(edit(nova(), AIRD, 'completed: 2026-11-16', 'completed: null'));
    expect(cadence(ctx, thresholdEntries(ctx).entries)).toEqual([]);
  });

  it('effective compute at the multiple', async () => {
    const { ctx } = await contextOf(
      edit(
        nova(),
        DECL,
        'effective_compute_since_last_comprehensive: 1.5',
        'effective_compute_since_last_comprehensive: 4',
      ),
    );
    expect(codes(cadence(ctx, thresholdEntries(ctx).entries))).toEqual(['evaluation.stale']);
  });
});

describe('reportsAndReviews', () => {
  it('reports and reviews the declared levels require', async () => {
    let files = edit(nova(), DECL, '  capability: reports/capability.md\n', '');
    files = edit(files, DECL, '      receipt: reviews/us-aisi-receipt.md\n', '');
    files = edit(
      files,
      DECL,
      '    deployment: reports/safeguards-deployment.md\n',
      '    deployment: reports/safeguards-deployment.md\n    safety: reports/capability.md\n',
    );
    const { ctx } = await contextOf(files);
    expect(reportsAndReviews(ctx).map((f) => f.message)).toEqual([
      'a capability report is required (reports.capability)',
      'reports.safeguards: "safety" is not a standard of anthropic-rsp-2.2',
      'at least one external review with a receipt is required at ASL-3 (reviews.external[].receipt)',
    ]);
  });
});

describe('noncompliance', () => {
  const entries = (yaml: string) =>
    edit(edit(nova(), CBRN, 'completed: 2026-11-14', 'completed: 2026-11-18'), DECL, /$/, `noncompliance:\n${yaml}`);

  it('acknowledges only the lateness of a named assessment that was late', async () => {
    const { ctx } = await contextOf(
      entries(
        [
          '  - {finding: evaluation.late, assessment: cbrn-2026-11, reason: Late.}',
          '  - {finding: evaluation.late, assessment: ai-rd-2026-11, reason: Not late.}',
          '  - {finding: evaluation.overdue, assessment: ai-rd-2026-11, reason: Cannot apply.}',
          '  - {finding: evaluation.lat, reason: Typo.}',
          '  - {finding: evaluation.late, reason: No assessment.}',
          '  - {finding: evaluation.late, assessment: cbrn-2026, reason: Unknown.}',
        ].join('\n') + '\n',
      ),
    );
    const r = noncompliance(ctx);
    expect([...r.lateAcknowledged]).toEqual([
      ['cbrn-2026-11', 'Late.'],
      ['ai-rd-2026-11', 'Not late.'],
    ]);
    expect(r.acknowledged).toHaveLength(6);
    expect(r.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        'noncompliance[1]: assessment ai-rd-2026-11 was completed 2026-11-16, on time (due 2026-11-16), so this entry acknowledges nothing',
      ],
      [
        'error',
        'noncompliance[2].finding: evaluation.overdue cannot be acknowledged; only evaluation.late turns into a warning, and nothing else downgrades an error',
      ],
      ['error', 'noncompliance[3].finding: "evaluation.lat" is not a finding code; did you mean "evaluation.late"?'],
      [
        'error',
        'noncompliance[4]: names no assessment; an evaluation.late entry acknowledges the lateness of one assessment',
      ],
      [
        'error',
        'noncompliance[5].assessment: no assessment of this release has id "cbrn-2026"; did you mean "cbrn-2026-11"?',
      ],
    ]);
  });
});

describe('closest', () => {
  it('suggests only what is close', () => {
    expect(closest('cbrn-2026-1', ['cbrn-2026-11', 'ai-rd-2026-11'])).toBe('cbrn-2026-11');
    expect(closest('cbrn-2026-11', ['ai-rd-2026-11'])).toBeUndefined();
    expect(closest('staus', ['status', 'model'])).toBe('status');
    expect(closest('evaluation.lat', ['evaluation.late', 'evaluation.stale'])).toBe('evaluation.late');
    expect(closest('x', ['y'])).toBe('y');
  });
});
