// Engine and CLI benchmarks (issue: engine). Run: npm run build && node bench/engine.mjs
// Prints tables; asserts nothing. Every ratio is against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The bundled engine: the code the CLI and the Action run.
import { checkRepository, loadPolicy, MemorySnapshot } from '../lib/engine/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
const NODE = process.execPath;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`;

// 1. evaluate() in-process on one release with N in-memory assessments (caps lifted).
async function evaluateWith(n) {
  const files = { '.github/asl-gate.yml': 'policy: anthropic-rsp-2.2\n' };
  const ths = ['CBRN-3', 'CBRN-4', 'AI-RD-CHECKPOINT', 'AI-RD-4', 'AI-RD-5'];
  const list = [];
  for (let i = 0; i < n; i++) {
    const t = ths[i % ths.length];
    files[`releases/m/a/${i}.yml`] =
      `id: a-${i}\nkind: comprehensive\nthresholds: [${t}]\ndue: 2026-11-15\ncompleted: 2026-11-14\nresult:\n  ${t}: ruled_out\n`;
    list.push(`  - a/${i}.yml`);
  }
  files['releases/m/asl.yml'] =
    `model: m\npolicy: anthropic-rsp-2.2\nrelease_date: 2026-12-01\ndeclared: {deployment: ASL-2, security: ASL-2}\nthresholds:\n` +
    ths.map((t, k) => `  - id: ${t}\n    status: ruled_out\n    assessments: [a-${k}]\n`).join('') +
    `safeguards:\n  - {id: deployment.usage-policy, status: implemented, evidence: https://x}\n  - {id: security.baseline, status: implemented, evidence: https://x}\n` +
    `reports: {capability: https://x}\nreviews: {internal: [{by: t, date: 2026-11-20}]}\nassessments:\n${list.join('\n')}\n`;
  const snapshot = new MemorySnapshot(files);
  const policy = (await loadPolicy(snapshot)).policy;
  const caps = { fileBytes: 256 * 1024, releaseFiles: 1e9, releaseBytes: 1e12 };
  const run = async () => {
    const t0 = performance.now();
    const r = await checkRepository({ snapshot, policy, today: '2026-11-28', caps });
    if (r.verdict !== 'pass') throw new Error(`bench release should pass: ${JSON.stringify(r.findings.slice(0, 3))}`);
    return performance.now() - t0;
  };
  await run();
  const times = [];
  for (let i = 0; i < (n >= 10_000 ? 3 : 7); i++) times.push(await run());
  return median(times);
}

console.log('evaluate(): one release, N in-memory assessments (median, warm)');
const evalTimes = {};
for (const n of [10, 100, 1000, 10_000]) {
  evalTimes[n] = await evaluateWith(n);
  console.log(`  N=${String(n).padStart(6)}  ${ms(evalTimes[n]).padStart(10)}`);
}
console.log(
  `  t(10k)/t(1k) = ${(evalTimes[10_000] / evalTimes[1000]).toFixed(2)}  (target <= 12; 10k target < 1000 ms)`,
);

// 2. A repository of N releases through the CLI process.
function repoOf(n) {
  const dir = mkdtempSync(join(tmpdir(), 'asl-bench-'));
  mkdirSync(join(dir, '.github'), { recursive: true });
  cpSync(join(ROOT, 'examples/.github/asl-gate.yml'), join(dir, '.github/asl-gate.yml'));
  for (let i = 0; i < n; i++)
    cpSync(join(ROOT, 'examples/releases/nova-2'), join(dir, `releases/r${i}`), { recursive: true });
  return dir;
}
function time(args, cwd = ROOT) {
  const t0 = performance.now();
  const r = spawnSync(NODE, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}
console.log('\nCLI on a repository of N releases (process, median of 3)');
const repoTimes = {};
for (const n of [100, 1000]) {
  const dir = repoOf(n);
  time([join(ROOT, 'bin/asl-gate.js'), 'check', dir, '--format', 'json', '--now', '2026-11-28']);
  repoTimes[n] = median(
    [0, 1, 2].map(() => time([join(ROOT, 'bin/asl-gate.js'), 'check', dir, '--format', 'json', '--now', '2026-11-28'])),
  );
  console.log(`  N=${String(n).padStart(5)}  ${ms(repoTimes[n]).padStart(10)}`);
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `  t(1000)/t(100) = ${(repoTimes[1000] / repoTimes[100]).toFixed(2)}  (target: 1000 releases <= 5000 ms, near-linear)`,
);

// 3. Cold start on examples/ vs `node -e 0`, interleaved so both see the same machine state.
// bin/asl-gate.js turns on Node's compile cache beside the bundle (lib/cli/compile-cache): every
// run but the first after an install or build finds it warm. The first run is measured too.
const CACHE = join(ROOT, 'lib/cli/compile-cache');
const cli = [join(ROOT, 'bin/asl-gate.js'), 'check', 'examples', '--now', '2026-11-28'];
const base = [];
const cliT = [];
const firstT = [];
const helpT = [];
time(cli);
for (let i = 0; i < 21; i++) {
  base.push(time(['-e', '0']));
  cliT.push(time(cli));
  helpT.push(time([join(ROOT, 'bin/asl-gate.js'), '--help']));
  rmSync(CACHE, { recursive: true, force: true });
  firstT.push(time(cli));
}
const ratio = (xs) => `ratio ${(median(xs) / median(base)).toFixed(2)}x`;
console.log('\nCold start (median of 21, same Node)');
console.log(`  node -e 0                       ${ms(median(base)).padStart(10)}`);
console.log(`  asl-gate check examples         ${ms(median(cliT)).padStart(10)}   ${ratio(cliT)}`);
console.log(
  `    first run after a build       ${ms(median(firstT)).padStart(10)}   ${ratio(firstT)}  (no compile cache yet; writes it)`,
);
console.log(`  asl-gate --help                 ${ms(median(helpT)).padStart(10)}   ${ratio(helpT)}  (loading alone)`);
