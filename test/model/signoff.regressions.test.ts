// Counterexamples the sign-off model (issue 21) found, shrunk by fast-check, each a named history
// played against the App's decision code. Each failed before the fix its name gives.
import { describe, expect, it } from 'vitest';
import { shaFor, type History, type Step } from './signoff-history.js';
import { pureApp } from './signoff-pure.js';
import { runHistory } from './signoff-run.js';

const PASS = ['pass', 'pass', 'pass', 'pass', 'pass', 'pass'] as History['kinds'];
const MAIN = 0;
const WEAK = 1;
const h = (start: History['start'], steps: Step[], kinds = PASS): History => ({ kinds, start, steps, order: 'causal' });
const play = async (history: History) =>
  (await runHistory(history, pureApp(), shaFor(0xbeef), { liveness: true })).violations;

describe('sign-off model regressions (pure decision code)', () => {
  it('a later approval does not lift a rejection (decide: only a revoke does)', async () => {
    const history = h({ commit: 0, base: MAIN, now: true }, [
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'reject' }, now: true },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'none', of: 'head' }, now: true },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a full-SHA approval on a weak base does not carry over a retarget to main (decide: the ledger of (head, base) alone)', async () => {
    const history = h({ commit: 0, base: WEAK, now: true }, [
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'full', of: 'head' }, now: true },
      { a: 'retarget', pr: 0, base: MAIN, now: true },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a full-SHA approval of a commit that was not the head, refused, does not count when the branch is forced to it', async () => {
    const history = h({ commit: 0, base: MAIN, now: true }, [
      { a: 'push', pr: 0, commit: 1, by: 'author', now: true },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'full', of: 0 }, now: true },
      { a: 'push', pr: 0, commit: 0, by: 'author', now: true },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a full-SHA approval counts only once the App handled it (not while its webhook is pending)', async () => {
    const history = h({ commit: 0, base: MAIN, now: false }, [
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'full', of: 'head' }, now: false },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('approve, then revoke, delivered in reverse: the revoke is recorded and the approval is revoked (bind)', async () => {
    const history = h({ commit: 0, base: MAIN, now: false }, [
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'full', of: 'head' }, now: false },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'revoke' }, now: false },
      { a: 'deliver', nth: 0 },
      { a: 'deliver', nth: 1 },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a revoke written on another head does not lift a rejection once the sticky is redrawn for the old head (reconcile: moved restarts since)', async () => {
    const history = h({ commit: 2, base: WEAK, now: true }, [
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'reject' }, now: false },
      { a: 'push', pr: 0, commit: 0, by: 'author', now: false },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'revoke' }, now: false },
      { a: 'push', pr: 0, commit: 2, by: 'author', now: false },
      { a: 'deliver', nth: 1 },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a bare approval written on weak does not bind to main after a retarget the App has not handled (the sticky records the base)', async () => {
    const history = h({ commit: 0, base: MAIN, now: false }, [
      { a: 'retarget', pr: 0, base: WEAK, now: false },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'revoke' }, now: true },
      { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'none', of: 0 }, now: false },
      { a: 'retarget', pr: 0, base: MAIN, now: false },
      { a: 'open2', commit: 0, base: MAIN, now: false },
    ]);
    expect(await play(history)).toEqual([]);
  });

  it('a bare approval written while the head touched no release does not bind to the release head forced back to (the sticky follows non-release heads)', async () => {
    const history = h(
      { commit: 1, base: MAIN, now: true },
      [
        { a: 'push', pr: 0, commit: 0, by: 'author', now: true },
        { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'none', of: 'head' }, now: false },
        { a: 'push', pr: 0, commit: 1, by: 'author', now: false },
        { a: 'deliver', nth: 0 },
      ],
      ['none', 'pass', 'pass', 'pass', 'pass', 'pass'],
    );
    expect(await play(history)).toEqual([]);
  });

  it('design limit, stated: with no order at all, two late pushes around a bare approval bind it to the commit forced back to', async () => {
    // head 0 -> push 1 (late) -> bare approval written on 1 -> force-push back to 0 (late) -> the
    // comment is handled first: the App's own records say 0 has been the head all along.
    const history: History = {
      ...h({ commit: 0, base: MAIN, now: true }, [
        { a: 'push', pr: 0, commit: 1, by: 'author', now: false },
        { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'none', of: 'head' }, now: false },
        { a: 'push', pr: 0, commit: 0, by: 'author', now: false },
        { a: 'deliver', nth: 1 },
      ]),
      order: 'any',
    };
    expect((await play(history)).length).toBeGreaterThan(0);
    // Under causal order (the pushes before the comment arrive before it) it holds.
    expect(await play({ ...history, order: 'causal' })).toEqual([]);
  });
});
