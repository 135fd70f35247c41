import * as core from '@actions/core';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepository, type CheckReport } from '../src/check.js';
import { todayUtc } from '../src/dates.js';
import type { Finding } from '../src/findings.js';
import { loadPolicy } from '../src/policy.js';
import { renderJson } from '../src/report/json.js';
import { cell, renderMarkdown } from '../src/report/markdown.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import { GitHubSnapshot, listPullFiles, MAX_PULL_FILES, type Requester } from '../src/snapshot/github.js';
import { ApiError, withRetries, type RetryOptions } from './retry.js';
import { readSettings, SettingsError, type Settings } from './settings.js';

/** Annotations past this many are summarised in one line (GitHub shows only so many anyway). */
export const MAX_ANNOTATIONS = 50;

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

/** One run of the Action: gather, evaluate, report. Sets the exit code through core.setFailed. */
export async function run(deps: RunDeps = {}): Promise<void> {
  const env = deps.env ?? process.env;
  try {
    const settings = readSettings(env);
    const event = readEvent(settings.eventPath);
    const today = settings.now ?? todayUtc();
    const workspace = new FsSnapshot(settings.workspace);
    let report: CheckReport;
    if ((settings.eventName === 'pull_request' || settings.eventName === 'pull_request_target') && event.pull_request) {
      if (settings.eventName === 'pull_request_target') {
        core.warning('asl-gate runs on pull_request; under pull_request_target the workspace may not be the PR head. See the README.');
      }
      const api = withRetries(deps.api ?? (await makeApi(settings, env)), deps.retry ?? { attempts: 4, baseDelayMs: retryDelay(env) });
      const [owner, repo] = settings.repository.split('/') as [string, string];
      const pr = event.pull_request;
      // The policy that judges a PR comes from its base, never from the head it is judging.
      const base = new GitHubSnapshot(api, owner, repo, pr.base.sha);
      const [changed, policy] = await Promise.all([listChangedFiles(api, owner, repo, pr.number, pr.changed_files), loadPolicy(base, settings.config)]);
      if (!policy.ok) return configError(policy.findings, settings, env);
      report = await checkRepository({ snapshot: workspace, policy: policy.policy, today, changedFiles: changed });
      if (report.releases.length === 0 && report.findings.length === 0) {
        core.notice('This pull request touches no model release: nothing for the ASL gate to check.');
      }
    } else {
      // push, workflow_dispatch, schedule: the commit itself is on the branch, so its config is the trusted one.
      const policy = await loadPolicy(workspace, settings.config);
      if (!policy.ok) return configError(policy.findings, settings, env);
      report = await checkRepository({ snapshot: workspace, policy: policy.policy, today });
    }
    publish(report, settings, today, env);
  } catch (e) {
    if (e instanceof SettingsError || e instanceof ApiError || e instanceof TooManyFiles) {
      core.setFailed(e.message);
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

/** First retry delay; ASL_GATE_RETRY_DELAY_MS exists so tests need not wait. */
function retryDelay(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.ASL_GATE_RETRY_DELAY_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : 1000;
}

async function makeApi(settings: Settings, env: NodeJS.ProcessEnv): Promise<Requester> {
  const baseUrl = env.GITHUB_API_URL || 'https://api.github.com';
  // Behind a proxy, @actions/github's Octokit knows the runner's proxy settings; otherwise a
  // node:https client does the two or three calls without paying for Node's fetch start-up.
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) {
    const { getOctokit } = await import('@actions/github');
    return getOctokit(settings.token, { baseUrl });
  }
  const { restClient } = await import('../src/snapshot/rest.js');
  return restClient({ baseUrl, token: settings.token, userAgent: 'asl-gate-action' });
}

class TooManyFiles extends Error {}

async function listChangedFiles(api: Requester, owner: string, repo: string, pull: number, expected: number | undefined): Promise<string[]> {
  const paths = await listPullFiles(api, owner, repo, pull, expected);
  if (paths) return paths;
  const n = expected !== undefined && expected > MAX_PULL_FILES ? String(expected) : `more than ${MAX_PULL_FILES}`;
  throw new TooManyFiles(`This pull request changes ${n} files; GitHub lists at most ${MAX_PULL_FILES}, so the ASL gate cannot see the whole change. Split it into smaller pull requests.`);
}

function annotate(findings: Finding[]): void {
  findings.slice(0, MAX_ANNOTATIONS).forEach((f) => {
    const props = {
      title: f.code,
      ...(f.file ? { file: f.file } : {}),
      ...(f.line ? { startLine: f.line } : {}),
      ...(f.column ? { startColumn: f.column } : {}),
    };
    if (f.severity === 'error') core.error(f.message, props);
    else core.warning(f.message, props);
  });
  if (findings.length > MAX_ANNOTATIONS) core.warning(`${findings.length - MAX_ANNOTATIONS} more findings are not annotated; see the job summary.`);
}

function writeReport(report: CheckReport, settings: Settings): string {
  const dir = join(settings.runnerTemp, 'asl-gate');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'report.json');
  writeFileSync(path, renderJson(report));
  return path;
}

/**
 * Set a step output, in the runner's file format: `name=value`, or for a value with a line break
 * a heredoc whose delimiter nobody can guess (so a value cannot end it early and add outputs of its
 * own). Not core.setOutput: it makes that delimiter for every value, so node:crypto would load at
 * every start; our values are one line each (a verdict, a count, a path).
 */
function setOutput(name: string, value: string, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) {
    core.warning(`could not set the ${name} output: GITHUB_OUTPUT is not set`);
    return;
  }
  if (!/[\r\n]/.test(value)) {
    appendFileSync(file, `${name}=${value}\n`);
    return;
  }
  const { randomUUID } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/**
 * Append to the job summary (GITHUB_STEP_SUMMARY). Written directly rather than through
 * core.summary, whose module reads fs.promises at load time and so costs every run a few ms.
 */
function summarise(markdown: string, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) {
    core.warning('could not write the job summary: GITHUB_STEP_SUMMARY is not set');
    return;
  }
  try {
    appendFileSync(file, `${markdown}\n`);
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`);
  }
}

function publish(report: CheckReport, settings: Settings, today: string, env: NodeJS.ProcessEnv): void {
  annotate(report.findings);
  setOutput('verdict', report.verdict, env);
  setOutput('releases', String(report.releases.length), env);
  setOutput('report', writeReport(report, settings), env);
  summarise(renderMarkdown(report, today), env);
  const n = report.releases.length;
  if (report.verdict === 'fail') {
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const failing = report.releases.filter((r) => r.verdict === 'fail').length;
    core.setFailed(`ASL gate failed: ${errors} error${errors === 1 ? '' : 's'} in ${failing} of ${n} release${n === 1 ? '' : 's'}${n === 0 ? ' (see the findings)' : ''}.`);
  } else {
    core.info(`ASL gate passed: ${n} release${n === 1 ? '' : 's'} checked.`);
  }
}

function configError(findings: Finding[], settings: Settings, env: NodeJS.ProcessEnv): void {
  annotate(findings);
  const report: CheckReport = { verdict: 'fail', releases: [], findings };
  setOutput('verdict', 'fail', env);
  setOutput('releases', '0', env);
  setOutput('report', writeReport(report, settings), env);
  summarise(`## ASL gate: ❌ configuration error\n\n${findings.map((f) => `- \`${f.code}\` ${f.file ?? settings.config}${f.line ? `:${f.line}` : ''}: ${cell(f.message)}`).join('\n')}\n`, env);
  core.setFailed(`ASL gate configuration error in ${settings.config}: ${findings[0]!.message}`);
}
