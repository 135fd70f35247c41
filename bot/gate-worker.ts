// The gate worker (see judgeOffThread in gate.ts): judges one PR's change off the App's event loop,
// reading both commits through the parent thread, which holds the API client.
import { parentPort, workerData } from 'node:worker_threads';
import type { Policy } from '../src/policy.js';
import type { Entry, EntryType, RepoSnapshot } from '../src/snapshot/port.js';
import type { ChangedFile } from '../src/touches.js';
import { judgeChange, type SnapshotCall, type SnapshotReply, type WorkerResult } from './gate.js';

const port = parentPort!;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextId = 0;

port.on('message', (m: SnapshotReply) => {
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.value);
  else p.reject(Object.assign(new Error(m.message), m.status !== undefined ? { status: m.status } : {}));
});

function call<T>(side: SnapshotCall['side'], op: SnapshotCall['op'], path: string): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    port.postMessage({ id, side, op, path } satisfies SnapshotCall);
  });
}

/** One commit, as the parent's Git-tree snapshot sees it. */
class RemoteSnapshot implements RepoSnapshot {
  readonly resolvesOnlyRealFolders = true;
  constructor(private readonly side: SnapshotCall['side']) {}
  stat(path: string): Promise<Entry | undefined> {
    return call(this.side, 'stat', path);
  }
  readFile(path: string): Promise<string> {
    return call(this.side, 'readFile', path);
  }
  list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    return call(this.side, 'list', path);
  }
}

const { changes, policy, today } = workerData as { changes: ChangedFile[]; policy: Policy; today: string };
judgeChange({ base: new RemoteSnapshot('base'), head: new RemoteSnapshot('head'), changes, policy, today }).then(
  (gate) => port.postMessage({ done: true, ok: true, gate } satisfies WorkerResult),
  (e: { message?: string; status?: number }) => port.postMessage({ done: true, ok: false, message: e.message ?? String(e), ...(e.status !== undefined ? { status: e.status } : {}) } satisfies WorkerResult),
);
