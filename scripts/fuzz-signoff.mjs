#!/usr/bin/env node
// Issue 21: run the sign-off model's properties longer than CI does, and print what ran.
//
//   npm run fuzz:signoff -- --runs 100000 [--server-runs 100] [--seed N] [--order causal|any] [--old DIR]
//
// --runs          random histories against the pure decision code (bot/decide.ts + reconcile's glue)
// --server-runs   histories against the real App and the stand-in (default 0; ~0.4 s each)
// --seed          fast-check seed (default: the time)
// --order         webhook order: causal (the design's assumption, default) or any (shows its limit)
// --old DIR       also run the pure property against DIR/bot/decide.ts of the design before the
//                 binding fixes (a worktree of d4c4d5f): histories until its first counterexample
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    'server-runs': { type: 'string', default: '0' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    order: { type: 'string', default: 'causal' },
    old: { type: 'string' },
  },
});
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'fuzz-signoff-'));
const out = join(dir, 'stats.json');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

function run(file, env) {
  const r = spawnSync(process.execPath, [vitest, 'run', file], {
    cwd: root,
    env: {
      ...process.env,
      FUZZ_SIGNOFF_SEED: values.seed,
      FUZZ_SIGNOFF_ORDER: values.order,
      FUZZ_SIGNOFF_OUT: out,
      ...env,
    },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { ok: r.status === 0, log: `${r.stdout}${r.stderr}` };
}

const rows = [];
const failures = [];
const row = (name, s) => {
  const d = s.deliveries;
  rows.push([
    name,
    s.histories,
    (d.reduce((a, b) => a + b, 0) / Math.max(1, d.length)).toFixed(1),
    d.reduce((a, b) => Math.max(a, b), 0),
    s.violations,
    `${((s.ms / Math.max(1, s.histories)) * 1000).toFixed(0)} ms`,
  ]);
  if (s.violations)
    failures.push(
      `${name}: first violation after ${s.first?.run} histories:\n${(s.first?.violations ?? []).join('\n')}\nshrunk: ${JSON.stringify(s.counterexample)}`,
    );
};

const pure = run('test/model/signoff.property.test.ts', { FUZZ_SIGNOFF_RUNS: values.runs });
if (!existsSync(out)) throw new Error(`the pure property did not run:\n${pure.log}`);
row('pure: bind/decide + glue', JSON.parse(readFileSync(out, 'utf8')));

if (Number(values['server-runs']) > 0) {
  rmSync(out, { force: true });
  const server = run('test/model/signoff.server.property.test.ts', { FUZZ_SIGNOFF_SERVER_RUNS: values['server-runs'] });
  if (!existsSync(out)) throw new Error(`the server property did not run:\n${server.log}`);
  row('server: npm start + stand-in', JSON.parse(readFileSync(out, 'utf8')));
}

let old;
if (values.old) {
  const mod = resolve(values.old, 'bot/decide.ts');
  run('test/model/signoff.property.test.ts', {
    FUZZ_SIGNOFF_RUNS: values.runs,
    FUZZ_SIGNOFF_OLD: mod,
    FUZZ_SIGNOFF_OUT: join(dir, 'ignored.json'),
  });
  const f = join(dir, 'ignored.json.old.json');
  old = existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
}

const head = ['property', 'histories', 'events/history (mean)', 'max', 'violations', 'time per 1,000 histories'];
const table = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(`seed ${values.seed}, order ${values.order}\n\n${table}`);
if (old)
  console.log(
    `\nd4c4d5f (before the binding fixes), same seed: first counterexample after ${old.firstAt} histories\n${old.message}`,
  );
for (const f of failures) console.log(`\n${f}`);
rmSync(dir, { recursive: true, force: true });
process.exitCode = failures.length && values.order === 'causal' ? 1 : 0;
