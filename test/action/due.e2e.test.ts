// Issue 19 through the bundled Action against the loopback stand-in: on schedule and
// workflow_dispatch the Action runs `due`, writes it to the job summary and its outputs, and with
// `due-issue: true` keeps one issue up to date.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../helpers/action.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const MARKER = '<!-- asl-gate:due -->';
const NEXT = 'releases/nova-2/assessments/cbrn-next.yml';
let gh: GitHubStandIn;

beforeEach(async () => {
  gh = new GitHubStandIn();
  await gh.start();
});
afterEach(() => gh.stop());

/** nova-2 with one more assessment, due 2026-12-10, completed on `completed` (open when absent). */
function repoWithNext(completed?: string): Record<string, string> {
  const files = edit(
    exampleRepo('nova-2'),
    'releases/nova-2/asl.yml',
    '  - assessments/ai-rd.yml',
    '  - assessments/ai-rd.yml\n  - assessments/cbrn-next.yml',
  );
  files[NEXT] =
    `id: cbrn-2026-12\nkind: preliminary\nthresholds: [CBRN-3]\ndue: 2026-12-10\n${completed ? `completed: ${completed}\nresult:\n  CBRN-3: not_ruled_out\n` : ''}`;
  return files;
}

/** A scheduled run (the workspace is the default branch) as of `now`. */
async function scheduled(
  workspace: Record<string, string>,
  now: string,
  inputs: Record<string, string> = { 'due-issue': 'true' },
  env: NodeJS.ProcessEnv = {},
): Promise<ActionRun> {
  const before = gh.requests.length;
  const run = await runAction({
    workspace,
    event: { schedule: '0 6 * * *' },
    eventName: 'schedule',
    apiUrl: gh.url,
    inputs: { now, ...inputs },
    env,
  });
  const calls = gh.calls().slice(before);
  console.log(
    `API calls (scheduled run as of ${now}): ${calls.length}${calls.length ? `\n  ${calls.join('\n  ')}` : ''}`,
  );
  return run;
}

const ours = () => gh.issues.filter((i) => i.user.login === 'github-actions[bot]');

describe('ASL gate Action on schedule: what falls due (issue 19)', () => {
  it('without due-issue: the due table in the job summary, counts as outputs, no API call; overdue fails the run', async () => {
    const soon = await scheduled(repoWithNext(), '2026-11-28', {});
    expect(soon.stderr).toBe('');
    expect(soon.code).toBe(0);
    expect(soon.outputs).toMatchObject({ overdue: '0', 'due-soon': '1', upcoming: '2' });
    expect(soon.outputs['due-report']).toMatch(/asl-gate\/due\.json$/);
    expect(soon.summary).toContain('## What falls due (as of 2026-11-28)');
    expect(soon.summary).toContain(
      '| 2026-12-10 | ⚠️ due soon | nova-2 | assessment cbrn-2026-12 (CBRN-3) | in 12 days | `releases/nova-2/assessments/cbrn-next.yml` |',
    );
    expect(soon.summary).toContain('```mermaid\ngantt');
    const late = await scheduled(repoWithNext(), '2026-12-11', {});
    expect(late.code).toBe(1);
    expect(late.outputs).toMatchObject({ overdue: '1', 'due-soon': '0' });
    expect(late.stdout).toMatch(/::error::1 item is overdue; see the job summary\.\n/);
    expect(gh.requests).toEqual([]);
  });

  it('keeps one issue: created, then edited, closed when nothing is due soon, reopened when something is overdue; a look-alike by another user is never touched', async () => {
    // Someone else's issue with the same marker and label, opened first: never ours to edit.
    const fake = gh.openIssue('mallory', {
      title: 'ASL due dates: 0 overdue, 0 due soon',
      body: `${MARKER}\nNothing to see here.`,
      labels: ['asl-gate-due'],
    });
    const fakeBefore = structuredClone(fake);

    const first = await scheduled(repoWithNext(), '2026-11-28');
    expect(first.code).toBe(0);
    expect(ours()).toHaveLength(1);
    const issue = ours()[0];
    expect(first.outputs['due-issue']).toBe(String(issue.number));
    expect(issue).toMatchObject({
      state: 'open',
      title: 'ASL due dates: 0 overdue, 1 due soon',
      labels: ['asl-gate-due'],
    });
    expect(issue.body.startsWith(`${MARKER}\n## What falls due (as of 2026-11-28)`)).toBe(true);
    expect(issue.body).toContain('assessment cbrn-2026-12 (CBRN-3)');
    expect(gh.calls().slice(-2)).toEqual(['GET /repos/lab/models/issues', 'POST /repos/lab/models/issues']);

    const second = await scheduled(repoWithNext(), '2026-12-11');
    expect(second.code).toBe(1); // overdue fails the run, as `asl-gate due` exits 1
    expect(ours()).toHaveLength(1);
    expect(second.outputs['due-issue']).toBe(String(issue.number));
    expect(issue).toMatchObject({ state: 'open', title: 'ASL due dates: 1 overdue, 0 due soon' });
    expect(issue.body).toContain('❌ overdue');
    expect(gh.calls().slice(-2)).toEqual([
      'GET /repos/lab/models/issues',
      `PATCH /repos/lab/models/issues/${issue.number}`,
    ]);

    // The same day again: nothing changed, nothing written.
    const again = await scheduled(repoWithNext(), '2026-12-11');
    expect(again.code).toBe(1);
    expect(gh.calls().at(-1)).toBe('GET /repos/lab/models/issues');

    const done = await scheduled(repoWithNext('2026-12-09'), '2026-12-20');
    expect(done.code).toBe(0);
    expect(done.outputs).toMatchObject({ overdue: '0', 'due-soon': '0' });
    expect(issue).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      title: 'ASL due dates: nothing overdue or due soon',
    });
    expect(gh.calls().slice(-2)).toEqual([
      'GET /repos/lab/models/issues',
      `PATCH /repos/lab/models/issues/${issue.number}`,
    ]);

    // Months later the cadence's next comprehensive assessment is overdue: the same issue reopens.
    const later = await scheduled(repoWithNext('2026-12-09'), '2027-05-20');
    expect(later.code).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(issue).toMatchObject({ state: 'open', title: expect.stringMatching(/^ASL due dates: [1-9]\d* overdue/) });
    expect(issue.body).toContain('comprehensive assessment of');

    expect(gh.issues.find((i) => i.number === fake.number)).toEqual(fakeBefore);
    expect(
      gh.requests.filter((r) => r.method !== 'GET').every((r) => r.path !== `/repos/lab/models/issues/${fake.number}`),
    ).toBe(true);
    // Each run: one listing, plus one write only when the issue must change.
    expect(gh.calls()).toHaveLength(2 + 2 + 1 + 2 + 2);
  });

  it('nothing due soon and no issue yet: no issue is opened just to say so', async () => {
    const run = await scheduled(repoWithNext('2026-11-20'), '2026-11-28');
    expect(run.code).toBe(0);
    expect(gh.issues).toEqual([]);
    expect(gh.calls()).toEqual(['GET /repos/lab/models/issues']);
    expect(run.outputs['due-issue']).toBeUndefined();
  });

  it('an issue the token cannot write fails the run with one line (issues: write is needed only with due-issue)', async () => {
    gh.fail({
      method: 'POST',
      path: /\/issues$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const run = await scheduled(repoWithNext(), '2026-11-28');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::GitHub API POST \/repos\/\{owner\}\/\{repo\}\/issues failed: HTTP 403/);
    expect(run.summary).toContain('## What falls due'); // the summary is written first
  });

  it('a dispatch on another branch reads the config from the default branch through the API', async () => {
    gh.commits.set('main', { '.github/asl-gate.yml': 'grace_days: 5\n' });
    const workspace = repoWithNext();
    const run = await runAction({
      workspace,
      event: { ref: 'refs/heads/feature', inputs: {}, repository: { default_branch: 'main' } },
      eventName: 'workflow_dispatch',
      apiUrl: gh.url,
      inputs: { now: '2026-12-12' },
      env: { GITHUB_REF: 'refs/heads/feature' },
    });
    // With main's grace of 5 days the assessment due 2026-12-10 is not yet overdue.
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ overdue: '0', 'due-soon': '1' });
    expect(gh.requests.every((r) => r.query.ref === 'main')).toBe(true);
    // On the default branch itself, the workspace is the default branch: no API call.
    gh.requests.length = 0;
    const onMain = await runAction({
      workspace,
      event: { ref: 'refs/heads/main', repository: { default_branch: 'main' } },
      eventName: 'workflow_dispatch',
      apiUrl: gh.url,
      inputs: { now: '2026-12-12' },
      env: { GITHUB_REF: 'refs/heads/main' },
    });
    expect(onMain.code).toBe(1);
    expect(gh.requests).toEqual([]);
  });

  it('bad due inputs fail with a clear message', async () => {
    const run = await scheduled(repoWithNext(), '2026-11-28', { 'due-issue': 'yes' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::the due-issue input must be true or false, not "yes"/);
  });
});
