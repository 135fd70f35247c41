// Issue 21: random histories against the App's decision code (bot/decide.ts with reconcile.ts's
// glue), compared with the reference model. CI runs a fixed seed in a few seconds;
// `npm run fuzz:signoff -- --runs N` runs it longer (scripts/fuzz-signoff.mjs).
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyArb, shaFor, type History } from './signoff-history.js';
import { oldPureApp, pureApp, type OldDecideModule } from './signoff-pure.js';
import { runHistory } from './signoff-run.js';

const RUNS = Number(process.env.FUZZ_SIGNOFF_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SIGNOFF_SEED ?? 20261202);
const OUT = process.env.FUZZ_SIGNOFF_OUT;
/** The design assumes causal order (signoff-history.ts); `any` shows what it cannot promise. */
const ORDER = (process.env.FUZZ_SIGNOFF_ORDER ?? 'causal') as 'causal' | 'any';

describe('sign-off model: the pure decision code', () => {
  it.skipIf(!!process.env.FUZZ_SIGNOFF_OLD)(
    `never says success where the model says no, and gives what the design guarantees (${RUNS} histories, seed ${SEED})`,
    async () => {
      const stats = {
        histories: 0,
        deliveries: [] as number[],
        violations: 0,
        ms: 0,
        first: undefined as undefined | { run: number; history: History; violations: string[] },
      };
      const t0 = performance.now();
      let n = 0;
      const result = await fc.check(
        fc.asyncProperty(historyArb({ order: ORDER }), async (h) => {
          n++;
          const r = await runHistory(h, pureApp(), shaFor(n), { liveness: true });
          stats.histories++;
          stats.deliveries.push(r.deliveries);
          if (r.violations.length) {
            stats.violations++;
            stats.first ??= { run: stats.histories, history: h, violations: r.violations };
          }
          if (r.violations.length) throw new Error(r.violations.join('\n'));
        }),
        { numRuns: RUNS, seed: SEED },
      );
      stats.ms = performance.now() - t0;
      if (OUT)
        writeFileSync(
          OUT,
          JSON.stringify({ kind: 'pure', ...stats, counterexample: result.counterexample?.[0] ?? null }),
        );
      expect(result.failed ? `${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}` : 'ok').toBe('ok');
    },
  );

  it.runIf(!!process.env.FUZZ_SIGNOFF_OLD)(
    'the design before the binding fixes (d4c4d5f): histories until the first counterexample',
    async () => {
      const mod = (await import(process.env.FUZZ_SIGNOFF_OLD!)) as OldDecideModule;
      const stats = { histories: 0, firstAt: 0, shrunk: null as unknown, violations: [] as string[] };
      let n = 0;
      const result = await fc.check(
        fc.asyncProperty(historyArb({ order: ORDER }), async (h) => {
          n++;
          const r = await runHistory(h, oldPureApp(mod), shaFor(n));
          stats.histories++;
          if (r.violations.length && !stats.firstAt) stats.firstAt = stats.histories;
          if (r.violations.length) throw new Error(r.violations.join('\n'));
        }),
        { numRuns: RUNS, seed: SEED },
      );
      stats.shrunk = result.counterexample?.[0] ?? null;
      if (OUT)
        writeFileSync(
          `${OUT}.old.json`,
          JSON.stringify({
            kind: 'old',
            ...stats,
            message: result.failed ? fc.defaultReportMessage(result) : 'no counterexample',
          }),
        );
      expect(result.failed).toBe(true);
    },
  );
});
