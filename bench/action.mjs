// Action benchmark (issue: the ASL gate Action). Run: npm run bundle && node bench/action.mjs
// Cold start of the committed bundle on a release PR of the examples, against the loopback
// GitHub stand-in, vs `node -e 0` with the same Node in the same run; bundle size; API calls.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { examplesPullRequest, floorScript, ROOT } from './examples-pr.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { gh, env, changed, tmp, reset } = await examplesPullRequest();
// The stand-in runs in this process, so the Action must run in another one, asynchronously.
const timeAction = () =>
  new Promise((resolve) => {
    reset();
    const t0 = performance.now();
    const child = spawn(process.execPath, [process.env.ASL_GATE_BENCH_ENTRY ?? join(ROOT, 'dist/index.js')], { env, stdio: 'ignore' });
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code }));
  });
const timeNode = () => {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - t0;
};
const FLOOR = floorScript(gh.url);
const timeFloor = () =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', FLOOR], { stdio: 'ignore' });
    child.on('close', (code) => resolve(code === 0 ? performance.now() - t0 : NaN));
  });

await timeAction();
const base = [];
const action = [];
const floor = [];
gh.requests.length = 0;
const RUNS = 21;
for (let i = 0; i < RUNS; i++) {
  base.push(timeNode());
  const r = await timeAction();
  if (r.code !== 1) throw new Error(`expected the examples PR to fail the gate (exit 1), got ${r.code}`);
  action.push(r.ms);
  floor.push(await timeFloor());
}
const calls = (gh.requests.length - 2 * RUNS) / RUNS;
await gh.stop();
rmSync(tmp, { recursive: true, force: true });

const bundle = readdirSync(join(ROOT, 'dist')).filter((n) => n.endsWith('.js')).map((n) => [n, statSync(join(ROOT, 'dist', n)).size]);
console.log(`Action cold start on the examples PR (${changed.length} changed files, 5 releases; median of ${RUNS})`);
console.log(`  node -e 0            ${median(base).toFixed(1).padStart(8)} ms`);
console.log(`  floor: node + 2 GETs ${median(floor).toFixed(1).padStart(8)} ms   ratio ${(median(floor) / median(base)).toFixed(2)}x  (node:net and the same two requests, nothing else)`);
console.log(`  node dist/index.js   ${median(action).toFixed(1).padStart(8)} ms   ratio ${(median(action) / median(base)).toFixed(2)}x  (target <= 2.0x, stretch 1.6x)`);
// What a run loads (the entry and what it imports statically), and the chunks loaded on demand.
const onDemand = { 'full-yaml': 'YAML outside the plain subset', zod: 'a file or setting the generated validators do not accept', github: 'behind an HTTP(S) proxy', 'rolldown-runtime': "the bundler's helpers, for the chunks above" };
const kind = (n) => Object.keys(onDemand).find((k) => n.startsWith(`${k}-`));
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const staticImports = (file) => [...readFileSync(join(ROOT, 'dist', file), 'utf8').matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+)["'`]/g)].map((m) => m[1]);
const loadedNames = new Set();
for (const queue = ['index.js']; queue.length > 0; ) {
  const f = queue.pop();
  if (loadedNames.has(f)) continue;
  loadedNames.add(f);
  queue.push(...staticImports(f));
}
const loaded = bundle.filter(([n]) => loadedNames.has(n));
console.log(`Bundle loaded by a PR run: ${kib(loaded.reduce((a, [, s]) => a + s, 0))} (${loaded.map(([n, s]) => `${n} ${kib(s)}`).join(', ')})`);
console.log(`  on demand: ${bundle.filter(([n]) => !loadedNames.has(n)).map(([n, s]) => `${n} ${kib(s)} (${onDemand[kind(n)] ?? '?'})`).join(', ')}`);
console.log(`API calls per run: ${calls}  (target <= 2 + ceil(${changed.length}/100) = ${2 + Math.ceil(changed.length / 100)})`);
