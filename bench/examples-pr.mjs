// The pull request the Action benchmark runs: every file of the examples' releases added, the
// examples' config on the base commit, served by the loopback GitHub stand-in.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandIn } from '../lib/test/standin/github.js';

export const ROOT = new URL('..', import.meta.url).pathname;
const EXAMPLES = join(ROOT, 'examples');
export const BASE = 'b'.repeat(40);

/** Start the stand-in with the examples PR (#7); the runner's environment for a run of the Action on it. */
export async function examplesPullRequest() {
  const gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(BASE, { '.github/asl-gate.yml': readFileSync(join(EXAMPLES, '.github/asl-gate.yml'), 'utf8') });
  const list = (dir, base = dir) =>
    readdirSync(dir).flatMap((n) =>
      statSync(join(dir, n)).isDirectory() ? list(join(dir, n), base) : [join(dir, n).slice(base.length + 1)],
    );
  const changed = list(join(EXAMPLES, 'releases')).map((p) => `releases/${p}`);
  gh.pullFiles.set(
    7,
    changed.map((filename) => ({ filename, status: 'added' })),
  );

  const tmp = mkdtempSync(join(tmpdir(), 'asl-bench-action-'));
  const eventPath = join(tmp, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      number: 7,
      pull_request: { number: 7, changed_files: changed.length, base: { sha: BASE }, head: { sha: 'c'.repeat(40) } },
    }),
  );
  const env = {
    PATH: process.env.PATH,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'lab/models',
    GITHUB_WORKSPACE: EXAMPLES,
    GITHUB_API_URL: gh.url,
    GITHUB_OUTPUT: join(tmp, 'out'),
    GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
    RUNNER_TEMP: tmp,
    INPUT_TOKEN: 't',
    INPUT_NOW: '2026-11-28',
  };
  /** Empty the output and summary files, as a fresh job has them. */
  const reset = () => {
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  };
  return { gh, env, changed, tmp, reset };
}
