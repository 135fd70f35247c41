// Attack: the Action's own touch rule (src/check.ts loadTouched) is not SPEC §4's (src/touches.ts,
// which the App uses). A changed path inside one release's folder selects only that release, so a
// release that cites a file in another release's folder is never judged when that file is removed
// or rewritten: the `ASL gate: <base>` check passes on a head where that release fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prEvent, runAction } from '../helpers/action.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn, type PullFile } from '../standin/github.js';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
let gh: GitHubStandIn;

beforeEach(async () => {
  gh = new GitHubStandIn();
  await gh.start();
});
afterEach(() => gh.stop());

function prOf(changed: PullFile[], number = 7) {
  gh.pullFiles.set(number, changed);
  return prEvent({ number, base: BASE, head: HEAD, changedFiles: changed.length });
}

describe("the Action's touch rule", () => {
  it('removing a file in another release folder that nova-2 cites fails the gate (nova-2 is judged)', async () => {
    // At the base: nova-2's stress-test review lives in haiku-mini's folder (shared evidence).
    const atBase = edit(
      exampleRepo('nova-2', 'haiku-mini'),
      'releases/nova-2/asl.yml',
      'evidence: reviews/stress-test.md',
      'evidence: ../haiku-mini/shared/stress-test.md',
    );
    atBase['releases/haiku-mini/shared/stress-test.md'] = atBase['releases/nova-2/reviews/stress-test.md']!;
    delete atBase['releases/nova-2/reviews/stress-test.md'];
    gh.commits.set(BASE, atBase);
    // The PR removes it: nothing of nova-2's folder changes.
    const head = { ...atBase };
    delete head['releases/haiku-mini/shared/stress-test.md'];
    const run = await runAction({
      workspace: head,
      event: prOf([{ filename: 'releases/haiku-mini/shared/stress-test.md', status: 'removed' }]),
      apiUrl: gh.url,
    });
    expect(run.outputs.verdict).toBe('fail');
    expect(run.code).not.toBe(0);
  });

  it('(control, passes today) judged, nova-2 fails on that head with reference.missing', async () => {
    const atBase = edit(
      exampleRepo('nova-2', 'haiku-mini'),
      'releases/nova-2/asl.yml',
      'evidence: reviews/stress-test.md',
      'evidence: ../haiku-mini/shared/stress-test.md',
    );
    delete atBase['releases/nova-2/reviews/stress-test.md'];
    gh.commits.set(BASE, atBase);
    const run = await runAction({
      workspace: atBase,
      event: prOf([{ filename: 'releases/nova-2/asl.yml', status: 'modified' }]),
      apiUrl: gh.url,
    });
    expect(run.outputs.verdict).toBe('fail');
    expect(run.annotations.map((a) => a.props.title)).toContain('reference.missing');
  });
});
