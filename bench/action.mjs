// Action benchmark. Run: npm run build && node bench/action.mjs
// Cold start of the committed bundle (dist/index.js) on a release PR of the examples, against the
// loopback GitHub stand-in, vs `node -e 0` with the same Node in the same run (interleaved, so
// both see the same machine state); and the API calls a run makes. Prints; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { examplesPullRequest, ROOT } from './examples-pr.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { gh, env, changed, tmp, reset } = await examplesPullRequest();
// The stand-in runs in this process, so the Action must run in another one, asynchronously.
const timeAction = () =>
  new Promise((resolve) => {
    reset();
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], { env, stdio: 'ignore' });
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code }));
  });
const timeNode = () => {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - t0;
};

await timeAction();
const base = [];
const action = [];
gh.requests.length = 0;
const RUNS = 21;
for (let i = 0; i < RUNS; i++) {
  base.push(timeNode());
  const r = await timeAction();
  if (r.code !== 1) throw new Error(`expected the examples PR to fail the gate (exit 1), got ${r.code}`);
  action.push(r.ms);
}
const calls = gh.requests.length / RUNS;
await gh.stop();
rmSync(tmp, { recursive: true, force: true });

const ratio = median(action) / median(base);
const allowed = 2 + Math.ceil(changed.length / 100);
console.log(
  `Action cold start on the examples PR (${changed.length} changed files, 5 releases; median of ${RUNS}, interleaved)`,
);
console.log(`  node -e 0              ${median(base).toFixed(1).padStart(8)} ms`);
console.log(
  `  node dist/index.js     ${median(action).toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}x  (guard: under 7x) ${ratio < 7 ? 'ok' : 'OVER'}`,
);
console.log(
  `  dist/index.js size     ${(statSync(join(ROOT, 'dist/index.js')).size / 1024).toFixed(0).padStart(8)} KiB`,
);
console.log(
  `API calls per run: ${calls}  (target <= 2 + ceil(${changed.length}/100) = ${allowed}) ${calls <= allowed ? 'ok' : 'OVER'}`,
);
