// Issue 14 through the bundled Action against the loopback stand-in: the Action checks every
// release a change touches (SPEC §4, src/engine/touches.ts), at the base (read through the API at the base
// SHA) or at the head (the workspace), wherever the changed file lives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prEvent, runAction, type ActionRun } from '../helpers/action.js';
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

/** Run the Action on PR #7: `base` at the base SHA in the stand-in, `head` as the workspace, `changed` as GitHub lists it. */
async function pullRequest(
  base: Record<string, string>,
  head: Record<string, string>,
  changed: PullFile[],
): Promise<ActionRun> {
  gh.commits.set(BASE, base);
  gh.pullFiles.set(7, changed);
  const run = await runAction({
    workspace: head,
    event: prEvent({ number: 7, base: BASE, head: HEAD, changedFiles: changed.length }),
    apiUrl: gh.url,
  });
  // The API calls of each run, for the report (issue 14: listing pages + one tree + blobs of base files the head changed).
  console.log(`API calls (${expect.getState().currentTestName}): ${gh.requests.length}\n  ${gh.calls().join('\n  ')}`);
  return run;
}

const without = (files: Record<string, string>, ...paths: string[]) =>
  Object.fromEntries(Object.entries(files).filter(([p]) => !paths.includes(p)));
const errors = (run: ActionRun) =>
  run.annotations.filter((a) => a.kind === 'error' && a.props.title).map((a) => [a.props.title, a.props.file]);

/** A copy of nova-2 as release `name`, its files under releases/<name>/. */
function novaAs(
  name: string,
  rewrite: (files: Record<string, string>) => Record<string, string> = (f) => f,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, text] of Object.entries(exampleRepo('nova-2'))) {
    if (p.startsWith('releases/nova-2/'))
      out[p.replace('releases/nova-2/', `releases/${name}/`)] = text.replace('model: nova-2', `model: ${name}`);
  }
  return rewrite(out);
}

describe('ASL gate Action: every release a change touches (issue 14)', () => {
  it('nova-3 cites ../nova-2/assessments/ai-rd.yml: a PR flipping that file and pointing nova-2 at a copy checks nova-3 too (case 3)', async () => {
    const AIRD = 'releases/nova-2/assessments/ai-rd.yml';
    const COPY = 'releases/nova-2/assessments/ai-rd-copy.yml';
    const nova3 = novaAs('nova-3', (f) =>
      edit(f, 'releases/nova-3/asl.yml', '  - assessments/ai-rd.yml', '  - ../nova-2/assessments/ai-rd.yml'),
    );
    delete nova3['releases/nova-3/assessments/ai-rd.yml'];
    const base = { ...exampleRepo('nova-2'), ...nova3 };
    let head: Record<string, string> = { ...base, [COPY]: base[AIRD] };
    head = edit(head, AIRD, 'AI-RD-5: ruled_out', 'AI-RD-5: not_ruled_out');
    head = edit(head, 'releases/nova-2/asl.yml', '  - assessments/ai-rd.yml', '  - assessments/ai-rd-copy.yml');
    const run = await pullRequest(base, head, [
      { filename: 'releases/nova-2/asl.yml', status: 'modified' },
      { filename: AIRD, status: 'modified' },
      { filename: COPY, status: 'added' },
    ]);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '2' });
    expect(errors(run)).toContainEqual(['level.understated', 'releases/nova-3/asl.yml']);
    expect(errors(run).every(([, file]) => file?.startsWith('releases/nova-3/') || file === AIRD)).toBe(true);
    expect(run.summary).toContain('| releases/nova-2/asl.yml | nova-2 |');
    // The listing, the base tree, and the blobs of the two base files the head changed: the rest of
    // the base (config, nova-3, unchanged nova-2 files) is the workspace's byte for byte.
    expect(gh.calls()).toEqual([
      'GET /repos/lab/models/pulls/7/files',
      `GET /repos/lab/models/git/trees/${BASE}`,
      expect.stringMatching(/^GET \/repos\/lab\/models\/git\/blobs\/[0-9a-f]{40}$/),
      expect.stringMatching(/^GET \/repos\/lab\/models\/git\/blobs\/[0-9a-f]{40}$/),
    ]);
  });

  it('shared evidence cited by three releases: changing it checks all three', async () => {
    const SHARED = 'evidence/cbrn.yml';
    const cite = (name: string) =>
      novaAs(name, (f) =>
        without(
          edit(f, `releases/${name}/asl.yml`, '  - assessments/cbrn.yml', '  - ../../evidence/cbrn.yml'),
          `releases/${name}/assessments/cbrn.yml`,
        ),
      );
    const base = {
      ...exampleRepo(),
      ...cite('alpha'),
      ...cite('beta'),
      ...cite('gamma'),
      ...novaAs('delta'),
      [SHARED]: exampleRepo('nova-2')['releases/nova-2/assessments/cbrn.yml'].replace(
        'report: reports/capability.md\n',
        '',
      ),
    };
    const head = edit(base, SHARED, 'CBRN-4: ruled_out', 'CBRN-4: not_ruled_out');
    const run = await pullRequest(base, head, [{ filename: SHARED, status: 'modified' }]);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '3' });
    const failing = new Set(
      errors(run)
        .filter(([code]) => code === 'level.understated')
        .map(([, file]) => file),
    );
    expect([...failing].sort()).toEqual(['releases/alpha/asl.yml', 'releases/beta/asl.yml', 'releases/gamma/asl.yml']);
    expect(run.summary).not.toContain('releases/delta/asl.yml');
    expect(gh.requests).toHaveLength(3); // listing, tree, the shared file's base blob
  });

  it('a release cited file removed at the head, cited by the base only, still checks the release (a reference at the base counts)', async () => {
    // lyra-3 cited evidence/cbrn.yml at the base; the PR drops the citation and deletes the file.
    const SHARED = 'evidence/cbrn.yml';
    const base = {
      ...novaAs('lyra-9', (f) =>
        without(
          edit(f, 'releases/lyra-9/asl.yml', '  - assessments/cbrn.yml', '  - ../../evidence/cbrn.yml'),
          'releases/lyra-9/assessments/cbrn.yml',
        ),
      ),
      ...exampleRepo(),
      [SHARED]: exampleRepo('nova-2')['releases/nova-2/assessments/cbrn.yml'].replace(
        'report: reports/capability.md\n',
        '',
      ),
    };
    const head = without(edit(base, 'releases/lyra-9/asl.yml', '  - ../../evidence/cbrn.yml\n', ''), SHARED);
    const run = await pullRequest(base, head, [
      { filename: SHARED, status: 'removed' },
      { filename: 'releases/lyra-9/asl.yml', status: 'modified' },
    ]);
    expect(run.outputs.releases).toBe('1');
    expect(errors(run)).toContainEqual(['threshold.unassessed', 'releases/lyra-9/asl.yml']);
    expect(run.code).toBe(1);
  });

  it('a rename into a release folder from another release folder checks both', async () => {
    const base = { ...exampleRepo('nova-2', 'orion-1') };
    const head = {
      ...without(base, 'releases/orion-1/reports/capability.md'),
      'releases/nova-2/reports/orion-capability.md': base['releases/orion-1/reports/capability.md'],
    };
    const run = await pullRequest(base, head, [
      {
        filename: 'releases/nova-2/reports/orion-capability.md',
        previous_filename: 'releases/orion-1/reports/capability.md',
        status: 'renamed',
      },
    ]);
    expect(run.code).toBe(1);
    expect(run.outputs.releases).toBe('2');
    expect(errors(run)).toContainEqual(['reference.missing', 'releases/orion-1/asl.yml']);
  });

  it('a removed pack file: the base policy judges, and a head whose policy no longer loads fails', async () => {
    const pack = `id: lab-1\nname: Lab\nlevels: [ASL-1, ASL-2, ASL-3, ASL-4]\nstandards: [deployment, security]\nthresholds: []\nsafeguards: []\ncadence: {comprehensive_max_age_days: 30, effective_compute_multiple: 2}\nreports: {}\nreviews: {}\n`;
    const base = { ...exampleRepo(), '.github/asl-gate.yml': 'policy: packs/lab.yml\n', 'packs/lab.yml': pack };
    const run = await pullRequest(base, without(base, 'packs/lab.yml'), [
      { filename: 'packs/lab.yml', status: 'removed' },
    ]);
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.kind === 'notice' && a.message).filter(Boolean)).toEqual([
      expect.stringMatching(/^This pull request changes the gate's policy \(packs\/lab\.yml\)/),
    ]);
    expect(errors(run)).toEqual([['policy.unknown', '.github/asl-gate.yml']]);
  });

  it('a release folder that keeps files but lost its declaration is declaration.missing', async () => {
    const base = exampleRepo('nova-2');
    const run = await pullRequest(base, without(base, 'releases/nova-2/asl.yml'), [
      { filename: 'releases/nova-2/asl.yml', status: 'removed' },
    ]);
    expect(run.code).toBe(1);
    expect(errors(run)).toEqual([['declaration.missing', 'releases/nova-2']]);
  });

  it('a release removed whole passes with a warning: nothing is left to judge (the RSO approval check asks for sign-off)', async () => {
    const base = exampleRepo('nova-2', 'orion-1');
    const gone = Object.keys(base).filter((p) => p.startsWith('releases/orion-1/'));
    const run = await pullRequest(
      base,
      without(base, ...gone),
      gone.map((filename) => ({ filename, status: 'removed' as const })),
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', releases: '0', removed: '1' });
    expect(run.annotations).toEqual([
      {
        kind: 'warning',
        props: { title: 'release removed', file: 'releases/orion-1/asl.yml' },
        message: expect.stringMatching(/removes the release declared in releases\/orion-1\/asl\.yml/),
      },
    ]);
    expect(run.summary).toContain('### Removed releases');
  });

  it('a release removed whole whose file another release cites fails that release', async () => {
    const nova3 = novaAs('nova-3', (f) =>
      without(
        edit(f, 'releases/nova-3/asl.yml', '  - assessments/ai-rd.yml', '  - ../nova-2/assessments/ai-rd.yml'),
        'releases/nova-3/assessments/ai-rd.yml',
      ),
    );
    const base = { ...exampleRepo('nova-2'), ...nova3 };
    const gone = Object.keys(base).filter((p) => p.startsWith('releases/nova-2/'));
    const run = await pullRequest(
      base,
      without(base, ...gone),
      gone.map((filename) => ({ filename, status: 'removed' as const })),
    );
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '1', removed: '1' });
    expect(errors(run)).toContainEqual(['reference.missing', 'releases/nova-3/asl.yml']);
  });
});
