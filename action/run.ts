import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { todayUtc } from '../src/dates.js';
import { resolveReference } from '../src/safe-path.js';
import { GitHubSnapshot, listPullFiles, MAX_PULL_FILES, type Requester } from '../src/snapshot/github.js';
import { restClient } from '../src/snapshot/rest.js';
import { gatePullRequest, gateRepository } from './gate.js';
import { ApiError, withRetries, type RetryOptions } from './retry.js';
import { readSettings, SettingsError, type Settings } from './settings.js';

export interface RunDeps {
  env?: NodeJS.ProcessEnv;
  /** The REST client; built from the token (and GITHUB_API_URL) when absent. Tests inject one. */
  api?: Requester;
  retry?: RetryOptions;
}

interface PullRequestEvent {
  number: number;
  pull_request: { number: number; changed_files?: number; base: { sha: string }; head: { sha: string } };
}

/**
 * One run of the Action: gather, evaluate, report. Sets the exit code through core.setFailed.
 *
 * On a pull request both API requests (the changed files, the base config) go out together, before
 * any other work: the answers travel while the engine starts.
 */
export async function run(deps: RunDeps = {}): Promise<void> {
  const env = deps.env ?? process.env;
  try {
    const settings = await readSettings(env);
    const event = readEvent(settings.eventPath);
    const gate = { settings, env, today: settings.now ?? todayUtc() };
    if ((settings.eventName === 'pull_request' || settings.eventName === 'pull_request_target') && event.pull_request) {
      if (settings.eventName === 'pull_request_target') {
        core.warning('asl-gate runs on pull_request; under pull_request_target the workspace may not be the PR head. See the README.');
      }
      const api = withRetries(deps.api ?? (await makeApi(settings, env)), deps.retry ?? { attempts: 4, baseDelayMs: retryDelay(env) });
      const [owner, repo] = settings.repository.split('/') as [string, string];
      const pr = event.pull_request;
      // The policy that judges a PR comes from its base, never from the head it is judging.
      const base = new GitHubSnapshot(api, owner, repo, pr.base.sha);
      const changed = listChangedFiles(api, owner, repo, pr.number, pr.changed_files);
      prefetch(base, settings.config);
      // A failure is handled where `changed` is awaited; this only keeps Node from calling it
      // unhandled should it come before that.
      changed.catch(() => {});
      await gatePullRequest(gate, base, changed);
    } else {
      await gateRepository(gate);
    }
  } catch (e) {
    if (e instanceof SettingsError || e instanceof ApiError || e instanceof TooManyFiles) {
      core.setFailed(e.message);
      return;
    }
    core.setFailed(`asl-gate failed unexpectedly (please report it): ${(e as Error).stack ?? String(e)}`);
  }
}

/**
 * Ask for the config file at the base now; the snapshot keeps the answer (or the failure, which
 * loadPolicy then meets and reports) for when the engine reads it.
 */
function prefetch(base: GitHubSnapshot, config: string): void {
  const resolved = resolveReference('', config, {});
  if (resolved.ok) base.stat(resolved.path).catch(() => {});
}

function readEvent(path: string): Partial<PullRequestEvent> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<PullRequestEvent>;
  } catch (e) {
    throw new SettingsError(`could not read the event payload at GITHUB_EVENT_PATH (${path}): ${(e as Error).message}`);
  }
}

/** First retry delay; ASL_GATE_RETRY_DELAY_MS exists so tests need not wait. */
function retryDelay(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.ASL_GATE_RETRY_DELAY_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : 1000;
}

async function makeApi(settings: Settings, env: NodeJS.ProcessEnv): Promise<Requester> {
  const baseUrl = env.GITHUB_API_URL || 'https://api.github.com';
  // Behind a proxy, @actions/github's Octokit knows the runner's proxy settings; otherwise the
  // small REST client (src/snapshot/rest.ts) does the two or three calls without paying for the
  // start-up of Node's fetch or node:http.
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) {
    const { getOctokit } = await import('@actions/github');
    return getOctokit(settings.token, { baseUrl });
  }
  return restClient({ baseUrl, token: settings.token, userAgent: 'asl-gate-action' });
}

class TooManyFiles extends Error {}

async function listChangedFiles(api: Requester, owner: string, repo: string, pull: number, expected: number | undefined): Promise<string[]> {
  const paths = await listPullFiles(api, owner, repo, pull, expected);
  if (paths) return paths;
  const n = expected !== undefined && expected > MAX_PULL_FILES ? String(expected) : `more than ${MAX_PULL_FILES}`;
  throw new TooManyFiles(`This pull request changes ${n} files; GitHub lists at most ${MAX_PULL_FILES}, so the ASL gate cannot see the whole change. Split it into smaller pull requests.`);
}
