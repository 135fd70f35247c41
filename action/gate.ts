// The engine half of a run (run.ts gathers the settings and starts the API requests): judge the
// change with the engine, then report.
import * as core from '@actions/core';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepository, type CheckReport } from '../src/check.js';
import type { Finding } from '../src/findings.js';
import { loadPolicy } from '../src/policy.js';
import { renderJson } from '../src/report/json.js';
import { cell, renderMarkdown } from '../src/report/markdown.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import type { Settings } from './settings.js';

/** Annotations past this many are summarised in one line (GitHub shows only so many anyway). */
export const MAX_ANNOTATIONS = 50;

export interface Gate {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /** YYYY-MM-DD (UTC). */
  today: string;
}

/**
 * A pull request: the policy from `base` (the base commit, never the head it judges), the
 * release files from the workspace (the checked-out head), only the releases `changed` touches.
 */
export async function gatePullRequest(gate: Gate, base: RepoSnapshot, changed: Promise<string[]>): Promise<void> {
  const [changedFiles, policy] = await Promise.all([changed, loadPolicy(base, gate.settings.config)]);
  if (!policy.ok) return configError(policy.findings, gate);
  const report = await checkRepository({ snapshot: new FsSnapshot(gate.settings.workspace), policy: policy.policy, today: gate.today, changedFiles });
  if (report.releases.length === 0 && report.findings.length === 0) {
    core.notice('This pull request touches no model release: nothing for the ASL gate to check.');
  }
  publish(report, gate);
}

/** push, workflow_dispatch, schedule: the commit itself is on the branch, so its config is the trusted one. */
export async function gateRepository(gate: Gate): Promise<void> {
  const workspace = new FsSnapshot(gate.settings.workspace);
  const policy = await loadPolicy(workspace, gate.settings.config);
  if (!policy.ok) return configError(policy.findings, gate);
  publish(await checkRepository({ snapshot: workspace, policy: policy.policy, today: gate.today }), gate);
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
  if (!value.includes('\r') && !value.includes('\n')) {
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

function publish(report: CheckReport, { settings, today, env }: Gate): void {
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

function configError(findings: Finding[], { settings, env }: Gate): void {
  annotate(findings);
  const report: CheckReport = { verdict: 'fail', releases: [], findings };
  setOutput('verdict', 'fail', env);
  setOutput('releases', '0', env);
  setOutput('report', writeReport(report, settings), env);
  summarise(`## ASL gate: ❌ configuration error\n\n${findings.map((f) => `- \`${f.code}\` ${f.file ?? settings.config}${f.line ? `:${f.line}` : ''}: ${cell(f.message)}`).join('\n')}\n`, env);
  core.setFailed(`ASL gate configuration error in ${settings.config}: ${findings[0]!.message}`);
}
