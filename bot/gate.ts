import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
// The judging workers: everything that parses a repository's files runs in one of them, off the
// App's event loop (and out of its main thread's heap; see workerLimits).
import { DEFAULT_CONFIG_PATH } from '../src/constants.js';
import { error } from '../src/findings.js';
import type { Policy, PolicyResult } from '../src/load/policy.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import type { ChangedFile } from '../src/engine/touches.js';
import type { JudgeInput } from './judge.js';
import type { GateSummary } from './render.js';

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
export type WorkerResult = { task: number; done: true; heapBytes: number } & (
  { ok: true; gate: GateSummary } | { ok: true; policy: PolicyResult } | { ok: false; message: string; status?: number }
);

const WORKER = fileURLToPath(new URL('./gate-worker.js', import.meta.url));
/** Two cores is the usual App host: one worker each, kept between tasks (a start costs ~50 ms). */
const MAX_WORKERS = 2;
/**
 * A worker whose heap a task left larger than this, or that a task gave more than KEEP_READ_CHARS
 * of files to parse, is ended rather than kept: an idle worker never gives back what a hostile or
 * very large release made it take (V8 keeps freed pages in the worker's pools, which its heap size
 * does not count: three 250 KiB files left one below 40 MB of heap, 45 MB more resident).
 * Ordinary tasks leave a worker at 13–30 MB of heap after reading a few KiB; ending one costs a
 * new worker, about 50 ms, on its next task. V8 keeps an ended worker's pages pooled for other
 * threads for 8 s, then returns them.
 */
const KEEP_HEAP_BYTES = 40 * 1024 * 1024;
const KEEP_READ_CHARS = 256 * 1024;
const idle: Worker[] = [];
let workers = 0;
const waiting: Array<(w: Worker) => void> = [];
let nextTask = 0;

/** A positive number from the environment, or `fallback`. */
function setting(variable: string, fallback: number): number {
  const n = Number(process.env[variable]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** How long one PR's files may take to judge before the gate fails closed. */
const budgetMs = (variable = 'ASL_GATE_JUDGE_TIMEOUT_MS') => setting(variable, 30_000);

/**
 * A judging worker's heap. Unlimited, V8 sizes an isolate's heap by the machine's memory
 * (gigabytes on a large host) and grows it lazily. Judging a release needs far less (a hostile
 * 250 KiB file of short keys needs 32–48 MB), so this bound costs nothing and caps what one
 * release can make the App hold; `ASL_GATE_JUDGE_HEAP_MB` changes it. A task that needs more
 * fails closed, like one past the time budget. V8 applies `--max-old-space-size` and
 * `--max-heap-size` to every thread over these bounds, so the App refuses to start with either
 * (bot/startup.ts).
 */
const workerLimits = () => ({
  maxOldGenerationSizeMb: setting('ASL_GATE_JUDGE_HEAP_MB', 256),
  maxYoungGenerationSizeMb: 4,
});

async function acquire(): Promise<Worker> {
  const w = idle.pop();
  if (w) return w;
  if (workers < MAX_WORKERS) {
    workers++;
    const worker = new Worker(WORKER, { resourceLimits: workerLimits() });
    worker.unref(); // an idle worker never keeps the process alive
    return worker;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Back to the pool; a worker that timed out, failed or grew too large is ended and replaced on demand. */
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
  if (!existsSync(WORKER)) return (await import('./judge.js')).judgeChange(input);
  const { base, head, changes, policy, today, baseAt } = input;
  const ms = budgetMs();
  const r = await offThread(
    (task) => ({ task, kind: 'judge', changes, policy, today, ...(baseAt ? { baseAt } : {}) }),
    { base, head },
    ms,
  );
  if (r === 'timeout' || r === 'memory')
    return failedClosed(
      `the release files ${beyond(r, ms)} to read and judge; the gate fails closed (simplify or split them)`,
    );
  if (!('gate' in r)) throw new Error('the gate worker answered a judge task without a verdict');
  return r.gate;
}

/** A change the App could not read or judge in full: relevant, failing, one `input.too_large`. */
export function failedClosed(message: string): GateSummary {
  return {
    relevant: true,
    verdict: 'fail',
    approvalRequired: true,
    policyChanged: false,
    releases: [],
    findings: [{ code: 'input.too_large', where: '', message }],
  };
}

/**
 * The gate's config and the pack it names, as `base` (a base commit) holds them, loaded in a
 * worker under the same budget: the base branch can be one that anyone with push access made, and
 * a YAML file at the size cap can take seconds to parse. Past the budget: a finding (the config is
 * then broken, and the check fails closed), marked `transient` so that it is not kept.
 */
export async function loadPolicyOffThread(base: RepoSnapshot): Promise<PolicyResult & { transient?: boolean }> {
  if (!existsSync(WORKER)) return (await import('../src/load/policy.js')).loadPolicy(base);
  // Its own knob (the same 30 s by default), so a test can starve the judging alone.
  const ms = budgetMs('ASL_GATE_POLICY_TIMEOUT_MS');
  const r = await offThread((task) => ({ task, kind: 'policy' }), { base }, ms);
  if (r === 'timeout' || r === 'memory')
    return {
      ok: false,
      transient: true,
      findings: [
        error(
          'input.too_large',
          `the gate config and pack on the base branch ${beyond(r, ms)} to read and parse; the gate fails closed (simplify them)`,
          { file: DEFAULT_CONFIG_PATH },
        ),
      ],
    };
  if (!('policy' in r)) throw new Error('the gate worker answered a policy task without a policy');
  return r.policy;
}

type Done = Extract<WorkerResult, { ok: true }>;

/** What a task ran out of, in the words of its finding. */
const beyond = (r: 'timeout' | 'memory', ms: number) =>
  r === 'timeout'
    ? `took longer than ${Math.round(ms / 1000)} s`
    : `needed more than ${workerLimits().maxOldGenerationSizeMb} MB of memory`;

/**
 * One task in a pooled worker, its snapshot calls answered here; 'timeout' past `ms`, 'memory'
 * past the worker's heap limit (the worker is then ended either way).
 */
async function offThread(
  message: (task: number) => WorkerTask,
  snaps: Partial<Record<SnapshotCall['side'], RepoSnapshot>>,
  ms: number,
): Promise<Done | 'timeout' | 'memory'> {
  const worker = await acquire();
  const task = nextTask++;
  return new Promise((resolve, reject) => {
    let settled = false;
    let read = 0; // characters of files this task was given to parse
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
        finish(m.heapBytes <= KEEP_HEAP_BYTES && read <= KEEP_READ_CHARS, () =>
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
        (value) => {
          if (typeof value === 'string') read += value.length;
          if (!settled) worker.postMessage({ id: m.id, ok: true, value } satisfies SnapshotReply);
        },
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
    const onError = (e: Error & { code?: string }) =>
      finish(false, () => (e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? resolve('memory') : reject(e)));
    const onExit = (code: number) => finish(false, () => reject(new Error(`the gate worker exited with code ${code}`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(message(task));
  });
}
