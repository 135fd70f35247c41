// A gate worker (see judgeOffThread in gate.ts): judges PR changes off the App's event loop, one
// task at a time, reading both commits through the parent thread, which holds the API client.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { loadPolicy } from '../src/load/policy.js';
import type { Entry, EntryType, RepoSnapshot } from '../src/snapshot/port.js';
import type { SnapshotCall, SnapshotReply, WorkerResult, WorkerTask } from './gate.js';
import { judgeChange } from './judge.js';

const port = parentPort!;
/** This thread's heap as the task ends, so that the pool can end a worker a large task left big. */
const heapBytes = () => getHeapStatistics().total_heap_size;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextId = 0;

/** One commit of one task, as the parent's Git-tree snapshot sees it. */
class RemoteSnapshot implements RepoSnapshot {
  readonly resolvesOnlyRealFolders = true;
  constructor(
    private readonly task: number,
    private readonly side: SnapshotCall['side'],
  ) {}
  stat(path: string): Promise<Entry | undefined> {
    return this.call('stat', path);
  }
  readFile(path: string): Promise<string> {
    return this.call('readFile', path);
  }
  list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    return this.call('list', path);
  }
  private call<T>(op: SnapshotCall['op'], path: string): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve, reject });
      port.postMessage({ task: this.task, id, side: this.side, op, path } satisfies SnapshotCall);
    });
  }
}

port.on('message', (m: SnapshotReply | WorkerTask) => {
  if ('task' in m) {
    const { task } = m;
    const fail = (e: { message?: string; status?: number }) =>
      port.postMessage({
        task,
        done: true,
        ok: false,
        message: e.message ?? 'the gate worker failed',
        heapBytes: heapBytes(),
        ...(e.status !== undefined ? { status: e.status } : {}),
      } satisfies WorkerResult);
    if (m.kind === 'policy') {
      loadPolicy(new RemoteSnapshot(task, 'base')).then(
        // A broken config's result may carry the parsed document (with functions): send its findings only.
        (policy) =>
          port.postMessage({
            task,
            done: true,
            ok: true,
            heapBytes: heapBytes(),
            policy: policy.ok ? policy : { ok: false, findings: policy.findings },
          } satisfies WorkerResult),
        fail,
      );
      return;
    }
    const { changes, policy, today, baseAt } = m;
    judgeChange({
      base: new RemoteSnapshot(task, 'base'),
      head: new RemoteSnapshot(task, 'head'),
      changes,
      policy,
      today,
      ...(baseAt ? { baseAt } : {}),
    }).then(
      (gate) => port.postMessage({ task, done: true, ok: true, heapBytes: heapBytes(), gate } satisfies WorkerResult),
      fail,
    );
    return;
  }
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.value);
  else p.reject(Object.assign(new Error(m.message), m.status !== undefined ? { status: m.status } : {}));
});
