// The gate verdict on one PR change: the engine's rule, with every failed read failing it closed.
// Runs in the judging workers (bot/gate-worker.ts); the App's main thread loads it only in unit
// tests, where there is no worker file.
import { checkChange } from '../src/engine/check.js';
import type { Policy } from '../src/load/policy.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import type { ChangedFile } from '../src/engine/touches.js';
import { baseReleasesAt } from './immutable.js';
import type { GateSummary } from './render.js';

export interface JudgeInput {
  /** The repository at the PR's base commit and at its head. */
  base: RepoSnapshot;
  head: RepoSnapshot;
  changes: ChangedFile[];
  /** Config and pack from the base branch. */
  policy: Policy;
  today: string;
  /**
   * The base commit's full SHA and its repository (`owner/name`): the releases declared there are
   * then read once per base commit and thread, not once per PR.
   */
  baseAt?: { sha: string; repo: string };
}

/**
 * The gate verdict on a PR's head: the Action's rule (`checkChange()`, src/engine/check.ts): which
 * releases the change touches (at the base or the head, removed and renamed paths included),
 * whether it changes the config or a pack, and the engine's verdict on each touched release at the
 * head; a release folder that lost its declaration is `declaration.missing`, not removed.
 *
 * The engine makes a file it cannot read a finding, which is right for a file that is not there
 * but not for a request that failed: a release read without its references could hide what a
 * change touches (and at the base no finding is ever shown). So any failed read fails the whole
 * judgement, closed, and nothing half-read is kept.
 */
export async function judgeChange({ base, head, changes, policy, today, baseAt }: JudgeInput): Promise<GateSummary> {
  const globs = policy.settings.releases;
  const failed: Partial<Record<'base' | 'head', Error>> = {};
  const check = (side: 'base' | 'head') => {
    const e = failed[side];
    if (!e) return;
    const status = (e as { status?: number }).status;
    throw Object.assign(
      new Error(
        `a file at the ${side} commit could not be read (${e.message}), so the gate cannot tell which releases the change touches`,
      ),
      status !== undefined ? { status } : {},
    );
  };
  const report = await checkChange({
    base: watched(base, (e) => (failed.base ??= e)),
    head: watched(head, (e) => (failed.head ??= e)),
    changes,
    policy,
    today,
    policyFolders: ['packs/'],
    // Kept per base commit (bot/immutable.ts), and only when every read succeeded.
    baseReleases: (read) => {
      const clean = async () => {
        const r = await read();
        check('base');
        return r;
      };
      return baseAt ? baseReleasesAt(baseAt, globs, clean) : clean();
    },
  });
  check('base');
  check('head');
  const policyChanged = report.policyChanged.length > 0;
  const findings = report.findings;
  return {
    relevant:
      policyChanged ||
      report.releases.length > 0 ||
      report.removed.length > 0 ||
      findings.some((f) => f.code === 'declaration.missing'),
    verdict: report.verdict,
    // Removing a release, or changing the gate's policy, is a release decision too.
    approvalRequired: policyChanged || report.removed.length > 0 || report.releases.some((r) => r.approvalRequired),
    policyChanged,
    releases: [
      ...report.releases.map((r) => ({
        declaration: r.declaration,
        model: r.model ?? null,
        declared: r.declared ?? {},
        verdict: r.verdict,
        noncompliance: r.noncompliance,
      })),
      ...report.removed.map((declaration) => ({
        declaration,
        model: null,
        declared: {},
        verdict: 'pass' as const,
        noncompliance: [],
        removed: true,
      })),
    ],
    // Findings outside any release (declaration.missing) and the first few of each release.
    findings: findings
      .filter((f) => f.severity === 'error')
      .slice(0, 20)
      .map((f) => ({ code: f.code, where: `${f.file ?? ''}${f.line ? `:${f.line}` : ''}`, message: f.message })),
  };
}

/** `snapshot`, telling `onFail` of every read that failed (a request, not an answer). */
function watched(snapshot: RepoSnapshot, onFail: (e: Error) => void): RepoSnapshot {
  const watch = <T>(p: Promise<T>) => p.catch((e: Error) => (onFail(e), Promise.reject(e)));
  return {
    resolvesOnlyRealFolders: snapshot.resolvesOnlyRealFolders ?? false,
    stat: (p) => watch(snapshot.stat(p)),
    readFile: (p) => watch(snapshot.readFile(p)),
    list: (p) => watch(snapshot.list(p)),
  };
}
