import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkChange } from '../src/engine/check.js';
import { DEFAULT_CONFIG_PATH } from '../src/constants.js';
import { error } from '../src/findings.js';
import { loadPolicy, type Policy, type PolicyResult } from '../src/load/policy.js';
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

// --- Off the event loop --------------------------------------------------------------------------

/** A task for a worker: one PR's change to judge, or the gate's config and pack at a base commit to load. */
export type WorkerTask =
  | {
      task: number;
      kind: 'judge';
      changes: ChangedFile[];
      policy: Policy;
      today: string;
      baseAt?: JudgeInput['baseAt'];
    }
  | { task: number; kind: 'policy' };
/** A request from the worker for one snapshot operation of a task, answered by this thread. */
export interface SnapshotCall {
  task: number;
  id: number;
  side: 'base' | 'head';
  op: 'stat' | 'readFile' | 'list';
  path: string;
}
export type SnapshotReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; status?: number };
export type WorkerResult =
  | { task: number; done: true; ok: true; gate: GateSummary }
  | { task: number; done: true; ok: true; policy: PolicyResult }
  | { task: number; done: true; ok: false; message: string; status?: number };

const WORKER = fileURLToPath(new URL('./gate-worker.js', import.meta.url));
/** Two cores is the usual App host: one worker each, kept between tasks (a start costs ~50 ms). */
const MAX_WORKERS = 2;
const idle: Worker[] = [];
let workers = 0;
const waiting: Array<(w: Worker) => void> = [];
let nextTask = 0;

/** How long one PR's files may take to judge before the gate fails closed. */
function budgetMs(variable = 'ASL_GATE_JUDGE_TIMEOUT_MS'): number {
  const ms = Number(process.env[variable]);
  return Number.isFinite(ms) && ms > 0 ? ms : 30_000;
}

async function acquire(): Promise<Worker> {
  const w = idle.pop();
  if (w) return w;
  if (workers < MAX_WORKERS) {
    workers++;
    const worker = new Worker(WORKER);
    worker.unref(); // an idle worker never keeps the process alive
    return worker;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Back to the pool; a worker that timed out or failed is ended and replaced on demand. */
function release(w: Worker, healthy: boolean): void {
  if (!healthy) {
    workers--;
    void w.terminate();
    const next = waiting.shift();
    if (next) void acquire().then(next);
    return;
  }
  const next = waiting.shift();
  if (next) next(w);
  else idle.push(w);
}

/**
 * judgeChange in a worker thread: parsing and judging are CPU work a hostile file can make long,
 * and on this thread they would stall every other webhook. The worker reads through this thread's
 * snapshots (its API client stays here); at most two work at once, each task within a time budget
 * past which the gate fails closed. From TypeScript sources (unit tests) there is no worker file:
 * then it runs here.
 */
export async function judgeOffThread(input: JudgeInput): Promise<GateSummary> {
  if (!existsSync(WORKER)) return judgeChange(input);
  const { base, head, changes, policy, today, baseAt } = input;
  const ms = budgetMs();
  const r = await offThread(
    (task) => ({ task, kind: 'judge', changes, policy, today, ...(baseAt ? { baseAt } : {}) }),
    { base, head },
    ms,
  );
  if (r === 'timeout')
    return {
      relevant: true,
      verdict: 'fail',
      approvalRequired: true,
      policyChanged: false,
      releases: [],
      findings: [
        {
          code: 'input.too_large',
          where: '',
          message: `the release files took longer than ${Math.round(ms / 1000)} s to read and judge; the gate fails closed (simplify or split them)`,
        },
      ],
    };
  if (!('gate' in r)) throw new Error('the gate worker answered a judge task without a verdict');
  return r.gate;
}

/**
 * The gate's config and the pack it names, as `base` (a base commit) holds them, loaded in a
 * worker under the same budget: the base branch can be one that anyone with push access made, and
 * a YAML file at the size cap can take seconds to parse. Past the budget: a finding (the config is
 * then broken, and the check fails closed), marked `transient` so that it is not kept.
 */
export async function loadPolicyOffThread(base: RepoSnapshot): Promise<PolicyResult & { transient?: boolean }> {
  if (!existsSync(WORKER)) return loadPolicy(base);
  // Its own knob (the same 30 s by default), so a test can starve the judging alone.
  const ms = budgetMs('ASL_GATE_POLICY_TIMEOUT_MS');
  const r = await offThread((task) => ({ task, kind: 'policy' }), { base }, ms);
  if (r === 'timeout')
    return {
      ok: false,
      transient: true,
      findings: [
        error(
          'input.too_large',
          `the gate config and pack on the base branch took longer than ${Math.round(ms / 1000)} s to read and parse; the gate fails closed (simplify them)`,
          { file: DEFAULT_CONFIG_PATH },
        ),
      ],
    };
  if (!('policy' in r)) throw new Error('the gate worker answered a policy task without a policy');
  return r.policy;
}

type Done = Extract<WorkerResult, { ok: true }>;

/** One task in a pooled worker, its snapshot calls answered here; 'timeout' past `ms` (the worker is then ended). */
async function offThread(
  message: (task: number) => WorkerTask,
  snaps: Partial<Record<SnapshotCall['side'], RepoSnapshot>>,
  ms: number,
): Promise<Done | 'timeout'> {
  const worker = await acquire();
  const task = nextTask++;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (healthy: boolean, fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      release(worker, healthy);
      fn();
    };
    const timer = setTimeout(() => finish(false, () => resolve('timeout')), ms);
    const onMessage = (m: SnapshotCall | WorkerResult) => {
      if (m.task !== task) return;
      if ('done' in m) {
        finish(true, () =>
          m.ok
            ? resolve(m)
            : reject(Object.assign(new Error(m.message), m.status !== undefined ? { status: m.status } : {})),
        );
        return;
      }
      const snap = snaps[m.side];
      const call = !snap
        ? Promise.reject(new Error(`no ${m.side} snapshot for this task`))
        : m.op === 'stat'
          ? snap.stat(m.path)
          : m.op === 'readFile'
            ? snap.readFile(m.path)
            : snap.list(m.path);
      call.then(
        (value) => !settled && worker.postMessage({ id: m.id, ok: true, value } satisfies SnapshotReply),
        (e: { message?: string; status?: number }) =>
          !settled &&
          worker.postMessage({
            id: m.id,
            ok: false,
            message: e.message ?? 'the snapshot request failed',
            ...(e.status !== undefined ? { status: e.status } : {}),
          } satisfies SnapshotReply),
      );
    };
    const onError = (e: Error) => finish(false, () => reject(e));
    const onExit = (code: number) => finish(false, () => reject(new Error(`the gate worker exited with code ${code}`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(message(task));
  });
}
