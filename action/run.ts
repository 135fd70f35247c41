import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { todayUtc } from '../src/dates.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import { GitHubSnapshot, GitTreeSnapshot, listPullFiles, type GitHubApi } from '../github/snapshot.js';
import { dueRun } from './due.js';
import { REQUEST_DEADLINE_MS } from '../github/retry.js';
import { gatePullRequest, gateRepository } from './gate.js';
import { actionOctokit, ApiError } from './octokit.js';
import { readSettings, SettingsError } from './settings.js';

export interface RunDeps {
  /** The REST client; the Action's Octokit for the token input when absent. Tests inject one. */
  api?: GitHubApi;
}

interface PullRequestEvent {
  number: number;
  pull_request: { number: number; changed_files?: number; base: { sha: string }; head: { sha: string } };
  /** Sent with workflow_dispatch (and most events); a schedule's payload may lack it. */
  repository?: { default_branch?: string };
}

/** One run of the Action: gather, evaluate, report. Sets the exit code through core.setFailed. */
export async function run(deps: RunDeps = {}): Promise<void> {
  try {
    const settings = readSettings();
    const event = readEvent(settings.eventPath);
    const gate = { settings, today: settings.now ?? todayUtc() };
    let client: GitHubApi | undefined = deps.api;
    const api = () =>
      (client ??= actionOctokit(settings.token, {
        retry: {
          attempts: 4,
          baseDelayMs: knob('ASL_GATE_RETRY_DELAY_MS', 1000),
          deadlineMs: knob('ASL_GATE_DEADLINE_MS', REQUEST_DEADLINE_MS),
        },
      }));
    if (settings.eventName === 'schedule' || settings.eventName === 'workflow_dispatch') {
      // The config comes from the default branch. A schedule always runs on it, so the workspace
      // is it; a dispatch on another branch reads the config from the default branch through the API.
      const defaultBranch = event.repository?.default_branch;
      const elsewhere =
        settings.eventName === 'workflow_dispatch' &&
        defaultBranch !== undefined &&
        settings.ref !== undefined &&
        settings.ref !== `refs/heads/${defaultBranch}`;
      const [owner, repo] = settings.repository.split('/') as [string, string];
      const configFrom = elsewhere
        ? new GitHubSnapshot(api(), owner, repo, defaultBranch)
        : new FsSnapshot(settings.workspace);
      await dueRun({ settings, today: gate.today, configFrom, api });
    } else if (
      (settings.eventName === 'pull_request' || settings.eventName === 'pull_request_target') &&
      event.pull_request
    ) {
      if (settings.eventName === 'pull_request_target') {
        core.warning(
          'asl-gate runs on pull_request; under pull_request_target the workspace may not be the PR head. See the README.',
        );
      }
      const [owner, repo] = settings.repository.split('/') as [string, string];
      const pr = event.pull_request;
      const changed = await listPullFiles(api(), owner, repo, pr.number, pr.changed_files);
      if (!changed.ok) throw new IncompleteChange(changed.problem);
      // The policy that judges a PR, and the releases as they were, come from its base commit, never
      // from the head it is judging: one tree request, then a blob per base file the workspace does
      // not hold byte for byte (same git blob id), so an unchanged file costs no request.
      const base = new GitTreeSnapshot(api(), owner, repo, pr.base.sha, new FsSnapshot(settings.workspace));
      await gatePullRequest(gate, base, changed.files);
    } else {
      await gateRepository(gate);
    }
  } catch (e) {
    if (e instanceof SettingsError || e instanceof ApiError || e instanceof IncompleteChange) {
      core.setFailed(e.message);
      return;
    }
    // A 404 passes the Octokit guard unchanged (callers give it a meaning); here it means the base
    // commit or a file its tree lists is gone (a PR run), or the due issue is (a due run): one line.
    if ((e as { status?: unknown }).status === 404) {
      core.setFailed(
        `GitHub API answered 404 Not Found (${(e as Error).message.split('\n')[0]}): the base commit, a file its tree lists, or the due issue is gone; re-run the check.`,
      );
      return;
    }
    core.setFailed(`asl-gate failed unexpectedly (please report it): ${(e as Error).stack ?? String(e)}`);
  }
}

function readEvent(path: string): Partial<PullRequestEvent> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<PullRequestEvent>;
  } catch (e) {
    throw new SettingsError(`could not read the event payload at GITHUB_EVENT_PATH (${path}): ${(e as Error).message}`);
  }
}

/**
 * A duration in ms from the environment, else `fallback`: the first retry delay
 * (ASL_GATE_RETRY_DELAY_MS) and the request deadline (ASL_GATE_DEADLINE_MS), so tests need not wait.
 */
function knob(name: string, fallback: number): number {
  const v = process.env[name];
  const ms = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(ms) && ms >= 0 ? ms : fallback;
}

/** The changed-file listing cannot be the whole change: the gate fails rather than judge part of it. */
class IncompleteChange extends Error {}
