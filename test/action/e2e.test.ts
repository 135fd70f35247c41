// The bundled Action (dist/index.js) as a process, with the runner's environment and the loopback
// GitHub stand-in as the API.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prEvent, runAction } from '../helpers/action.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { webhook } from '../helpers/webhooks.js';
import { GitHubStandIn, type PullFile } from '../standin/github.js';
import { tempDir } from '../helpers/temp.js';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
let gh: GitHubStandIn;

beforeEach(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  // The base branch: the lab's config, no release yet.
  gh.commits.set(BASE, { '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'], 'README.md': '# models\n' });
});
afterEach(() => gh.stop());

/** A PR whose listing is `changed` as given (removals, renames), the event's count its length. */
function prOf(changed: PullFile[], number = 7) {
  gh.pullFiles.set(number, changed);
  return prEvent({ number, base: BASE, head: HEAD, changedFiles: changed.length });
}

function pr(files: string[], status: 'added' | 'modified' = 'added', number = 7) {
  gh.pullFiles.set(
    number,
    files.map((filename) => ({ filename, status })),
  );
  return prEvent({ number, base: BASE, head: HEAD, changedFiles: files.length });
}

describe('ASL gate Action on pull_request', () => {
  it('passes a clean release PR, with outputs, summary and a JSON report', async () => {
    const workspace = exampleRepo('nova-2');
    const changed = Object.keys(workspace).filter((p) => p.startsWith('releases/'));
    const run = await runAction({ workspace, event: pr(changed), apiUrl: gh.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', releases: '1' });
    expect(run.outputs.report).toMatch(/asl-gate\/report\.json$/);
    expect(run.summary).toContain('## ASL gate: ✅ pass');
    expect(run.summary).toContain('| releases/nova-2/asl.yml | nova-2 | deployment ASL-3, security ASL-3 |');
    expect(run.summary).toContain('```mermaid\ngantt');
    expect(run.annotations.filter((a) => a.kind === 'error')).toEqual([]);
    // The base (config and releases) read through the API at the base SHA, never from the head:
    // one recursive tree; the config's blob is the workspace's byte for byte, so it costs no request.
    expect(gh.calls()).toEqual([`GET /repos/lab/models/pulls/7/files`, `GET /repos/lab/models/git/trees/${BASE}`]);
    expect(gh.requests.length).toBeLessThanOrEqual(2 + Math.ceil(changed.length / 100));
  });

  it('an output with a line break (a RUNNER_TEMP path holding one) reaches GITHUB_OUTPUT whole', async () => {
    const workspace = exampleRepo('nova-2');
    const temp = join(tempDir('odd'), 'runner\ntemp');
    mkdirSync(temp);
    const run = await runAction({
      workspace,
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      env: { RUNNER_TEMP: temp },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', releases: '1', report: join(temp, 'asl-gate/report.json') });
  });

  it('fails a late evaluation with an annotation at file:line:column', async () => {
    const workspace = exampleRepo('orion-1');
    const run = await runAction({
      workspace,
      event: pr(['releases/orion-1/assessments/cbrn.yml'], 'modified'),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.annotations).toContainEqual({
      kind: 'error',
      props: { title: 'evaluation.late', file: 'releases/orion-1/assessments/cbrn.yml', line: '6', col: '12' },
      message: 'assessment cbrn-2026-11 was completed 2026-11-18, 3 days after its due date 2026-11-15',
    });
    expect(run.stdout).toMatch(/::error::ASL gate failed: 1 error in 1 of 1 release/);
    expect(run.summary).toContain('3 days late : crit, 2026-11-15, 2026-11-18');
  });

  it('an acknowledged lateness passes with a warning annotation', async () => {
    const run = await runAction({
      workspace: exampleRepo('orion-1-ack'),
      event: pr(['releases/orion-1-ack/asl.yml'], 'modified'),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(0);
    expect(run.annotations.map((a) => [a.kind, a.props.title])).toEqual([['warning', 'evaluation.late']]);
  });

  it('a PR that touches no release passes with a one-line notice', async () => {
    const run = await runAction({
      workspace: { ...exampleRepo('orion-1'), 'README.md': '# x\n' },
      event: pr(['README.md'], 'modified'),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', releases: '0' });
    expect(run.annotations).toEqual([
      {
        kind: 'notice',
        props: {},
        message: 'This pull request touches no model release: nothing for the ASL gate to check.',
      },
    ]);
  });

  it('a head that weakens .github/asl-gate.yml is still judged by the base policy', async () => {
    let workspace = exampleRepo('orion-1');
    workspace = edit(workspace, '.github/asl-gate.yml', 'grace_days: 0', 'grace_days: 30');
    const run = await runAction({
      workspace,
      event: pr(['.github/asl-gate.yml', 'releases/orion-1/assessments/cbrn.yml'], 'modified'),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.props.title)).toContain('evaluation.late');
  });

  it('a symlinked artifact is refused', async () => {
    const workspace = {
      ...edit(
        exampleRepo('nova-2'),
        'releases/nova-2/asl.yml',
        'evidence: reports/security-baseline.md',
        'evidence: reports/env.md',
      ),
      'releases/nova-2/reports/env.md': { symlink: '/proc/self/environ' },
    };
    const run = await runAction({
      workspace,
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      env: { ASL_CANARY: 'canary-51d2' },
    });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.props.title)).toContain('reference.unsafe');
    expect(run.stdout + run.summary + run.stderr).not.toContain('canary-51d2');
  });

  it('release-folder changes without a declaration fail with declaration.missing', async () => {
    const workspace = { ...exampleRepo(), 'releases/ghost/assessments/cbrn.yml': 'id: x\n' };
    const run = await runAction({ workspace, event: pr(['releases/ghost/assessments/cbrn.yml']), apiUrl: gh.url });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => [a.props.title, a.props.file])).toContainEqual([
      'declaration.missing',
      'releases/ghost',
    ]);
  });

  it('3,001 changed files fail closed before listing anything', async () => {
    const files = Array.from({ length: 3001 }, (_, i) => `data/f${i}.txt`);
    const run = await runAction({ workspace: exampleRepo('nova-2'), event: pr(files), apiUrl: gh.url });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::This pull request changes more than 3000 files \(3001\); GitHub lists at most 3000/,
    );
    expect(gh.calls(/pulls/)).toEqual([]);
  });

  it('without a count in the event, a listing that reaches 3,000 files fails closed', async () => {
    gh.pullFiles.set(
      8,
      Array.from({ length: 3001 }, (_, i) => ({ filename: `data/f${i}.txt`, status: 'added' as const })),
    );
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: prEvent({ number: 8, base: BASE, head: HEAD }),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/more than 3000 files/);
    expect(gh.calls(/pulls/)).toHaveLength(30);
  });

  it('API faults: a 500 then success is retried and passes', async () => {
    gh.fail({ method: 'GET', path: /\/pulls\/7\/files$/, status: 500, times: 1 });
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(0);
    expect(gh.calls(/pulls/)).toHaveLength(2);
  });

  it('API faults: 500 forever fails with a clear message, never a pass', async () => {
    gh.fail({ method: 'GET', path: /\/git\/trees\//, status: 500 });
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::GitHub API GET \/repos\/\{owner\}\/\{repo\}\/git\/trees\/\{tree_sha\} failed: HTTP 500 \(after 4 attempts\)/,
    );
    expect(run.outputs.verdict).toBeUndefined();
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  it('a broken base config fails with its location', async () => {
    gh.commits.set(BASE, { '.github/asl-gate.yml': 'policy: anthropic-rsp-9\n' });
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.annotations[0]).toMatchObject({
      kind: 'error',
      props: { title: 'policy.unknown', file: '.github/asl-gate.yml', line: '1', col: '9' },
    });
    expect(run.summary).toContain('configuration error');
  });

  it('with no config on the base branch, the defaults apply', async () => {
    gh.commits.set(BASE, { 'README.md': '#\n' });
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(0);
  });

  it("behind a proxy, @actions/github's Octokit honours the runner's proxy settings (here NO_PROXY for the stand-in)", async () => {
    const workspace = exampleRepo('nova-2');
    const run = await runAction({
      workspace,
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(gh.requests.map((r) => r.headers['user-agent'])).toEqual([
      expect.stringMatching(/octokit/),
      expect.stringMatching(/octokit/),
    ]);
  });

  it('a missing event payload fails with a clear message, not a stack trace', async () => {
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      env: { GITHUB_EVENT_PATH: '/nonexistent/event.json' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::could not read the event payload at GITHUB_EVENT_PATH \(\/nonexistent\/event.json\)/,
    );
    expect(run.stdout).not.toMatch(/please report it/);
  });

  it('a block scalar is read and a schema error is worded at its line', async () => {
    let workspace = { ...exampleRepo('nova-2'), ...exampleRepo('lyra-3') };
    workspace = edit(
      workspace,
      'releases/nova-2/asl.yml',
      'policy: anthropic-rsp-2.2',
      'policy: anthropic-rsp-2.2\nsnapshot: |\n  nova-2-2026-12-01\n  (second line)',
    );
    workspace = edit(workspace, 'releases/lyra-3/asl.yml', /release_date: .*/, 'release_date: 2026-02-30');
    const run = await runAction({
      workspace,
      event: pr(['releases/nova-2/asl.yml', 'releases/lyra-3/asl.yml'], 'modified'),
      apiUrl: gh.url,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(
      run.annotations
        .filter((a) => a.kind === 'error' && a.props.title)
        .map((a) => [a.props.title, a.props.file, a.props.line, a.message]),
    ).toEqual([
      ['schema.invalid', 'releases/lyra-3/asl.yml', '4', 'release_date: expected a real calendar date'],
      // One wave: what the rest of the file shows is reported with the schema error.
      [
        'level.understated',
        'releases/lyra-3/asl.yml',
        '7',
        'declared security ASL-2 is below the required ASL-3: AI-RD-4 (not_ruled_out) requires ASL-3',
      ],
    ]);
    expect(run.summary).toMatch(/\| releases\/nova-2\/asl\.yml \| nova-2 \| deployment ASL-3, security ASL-3 \|/);
  });

  it('bad inputs fail with a clear message', async () => {
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      inputs: { now: '28/11/2026' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*the now input must be a date as YYYY-MM-DD/);
  });
});

describe('ASL gate Action: what a change touches, and a listing it cannot trust', () => {
  const without = (files: Record<string, string>, path: string) => {
    const { [path]: gone, ...rest } = files;
    if (gone === undefined) throw new Error(`no file ${path}`);
    return rest;
  };

  it("a PR that deletes a release's capability report checks that release and fails", async () => {
    const report = 'releases/nova-2/reports/capability.md';
    const run = await runAction({
      workspace: without(exampleRepo('nova-2'), report),
      event: prOf([{ filename: report, status: 'removed' }]),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '1' });
    expect(run.annotations.map((a) => [a.props.title, a.props.file])).toContainEqual([
      'reference.missing',
      'releases/nova-2/asl.yml',
    ]);
  });

  it('a PR that renames a review receipt out of the release folder checks the release it left', async () => {
    const receipt = 'releases/nova-2/reviews/us-aisi-receipt.md';
    const repo = exampleRepo('nova-2');
    const workspace = { ...without(repo, receipt), 'archive/us-aisi-receipt.md': repo[receipt] };
    const run = await runAction({
      workspace,
      event: prOf([{ filename: 'archive/us-aisi-receipt.md', previous_filename: receipt, status: 'renamed' }]),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '1' });
    expect(run.annotations.map((a) => a.props.title)).toContain('reference.missing');
  });

  it('a rename into a release folder checks that release', async () => {
    const run = await runAction({
      workspace: exampleRepo('orion-1'),
      event: prOf([
        { filename: 'releases/orion-1/assessments/cbrn.yml', previous_filename: 'drafts/cbrn.yml', status: 'renamed' },
      ]),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.props.title)).toContain('evaluation.late');
  });

  it("an empty listing against the event's changed_files fails closed with one line", async () => {
    gh.pullFiles.set(7, []);
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: prEvent({ number: 7, base: BASE, head: HEAD, changedFiles: 12 }),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBeUndefined();
    expect(run.annotations).toEqual([
      {
        kind: 'error',
        props: {},
        message: expect.stringMatching(/^GitHub listed no changed files for this pull request/),
      },
    ]);
  });

  it("a listing shorter than the event's changed_files fails closed with one line", async () => {
    gh.pullFiles.set(7, [{ filename: 'releases/nova-2/asl.yml', status: 'modified' }]);
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: prEvent({ number: 7, base: BASE, head: HEAD, changedFiles: 12 }),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([
      {
        kind: 'error',
        props: {},
        message:
          'GitHub listed 1 of the 12 files this pull request changes, so the ASL gate cannot see the whole change; re-run the check.',
      },
    ]);
  });

  it('a server that sends headers, then drips the body, fails at the deadline instead of hanging', async () => {
    gh.drip({ method: 'GET', path: /\/pulls\/7\/files$/, everyMs: 200 });
    const t0 = Date.now();
    // The deadline is 60 s; shortened here so the test need not wait a minute.
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
      env: { ASL_GATE_DEADLINE_MS: '1500' },
    });
    expect(run.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(run.outputs.verdict).toBeUndefined();
    expect(run.stdout).toMatch(
      /::error::GitHub API GET \S+\/pulls\/7\/files\S* failed: no complete answer within 2 s \(after 1 attempt\)\n/,
    );
    expect(gh.calls(/pulls/)).toHaveLength(1); // a request past its deadline is not retried
  });

  it('a rate limit with Retry-After: 2000000 fails closed with one line instead of sleeping', async () => {
    gh.rateLimit({ method: 'GET', path: /\/pulls\/7\/files$/, retryAfter: 2_000_000 });
    const run = await runAction({
      workspace: exampleRepo('nova-2'),
      event: pr(['releases/nova-2/asl.yml']),
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBeUndefined();
    expect(run.annotations).toEqual([
      {
        kind: 'error',
        props: {},
        message: expect.stringMatching(
          /failed: rate limited, and GitHub asks to wait 2000000 s, over the 60 s asl-gate waits \(after 1 attempt\)$/,
        ),
      },
    ]);
  });
});

describe('ASL gate Action annotations', () => {
  it('past 50 findings, one line counts the rest; the summary has them all', async () => {
    const workspace: Record<string, string> = { ...exampleRepo() };
    for (let i = 0; i < 4; i++) {
      // Declared ASL-4 with nothing to back it: a score of findings each.
      workspace[`releases/bad-${i}/asl.yml`] =
        'model: bad\npolicy: anthropic-rsp-2.2\nrelease_date: 2026-12-01\ndeclared: {deployment: ASL-4, security: ASL-4}\n';
    }
    const run = await runAction({ workspace, event: webhook('push', undefined), eventName: 'push', apiUrl: gh.url });
    expect(run.code).toBe(1);
    const findings = run.annotations.filter((a) => a.props.title);
    expect(findings).toHaveLength(50);
    const total = (run.summary.match(/^\| ❌ \|/gm) ?? []).length;
    expect(total).toBeGreaterThan(50);
    expect(run.annotations).toContainEqual({
      kind: 'warning',
      props: {},
      message: `${total - 50} more findings are not annotated; see the job summary.`,
    });
  });
});

describe('ASL gate Action on push', () => {
  it('checks every declaration in the repository, with no API calls', async () => {
    const run = await runAction({
      workspace: exampleRepo('nova-2', 'orion-1', 'haiku-mini'),
      event: webhook('push', undefined),
      eventName: 'push',
      apiUrl: gh.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', releases: '3' });
    expect(gh.requests).toEqual([]);
    const ok = await runAction({
      workspace: exampleRepo('nova-2'),
      event: webhook('push', undefined),
      eventName: 'push',
      apiUrl: gh.url,
    });
    expect(ok.code).toBe(0);
  });
});
