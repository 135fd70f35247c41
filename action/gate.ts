// The engine half of a run (run.ts gathers the settings and the changed files): judge the change
// with the engine, then report.
import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkChange, checkRepository, type CheckReport } from '../src/engine/check.js';
import { sortFindings, verdictOf, type Finding } from '../src/findings.js';
import { loadPolicy } from '../src/load/policy.js';
import { renderJson } from '../src/report/json.js';
import { cell, renderMarkdown } from '../src/report/markdown.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import type { ChangedFile } from '../src/engine/touches.js';
import type { Settings } from './settings.js';

/** Annotations past this many are summarised in one line (GitHub shows only so many anyway). */
export const MAX_ANNOTATIONS = 50;

export interface Gate {
  settings: Settings;
  /** YYYY-MM-DD (UTC). */
  today: string;
}

/**
 * A pull request: the policy from `base` (the base commit, never the head it judges); the releases
 * the change touches (SPEC §4: at the base or the head, removals and renames included), read at
 * the base through `base` to see what they referenced, and at the head from the workspace (the
 * checked-out head), where they are judged.
 */
export async function gatePullRequest(gate: Gate, base: RepoSnapshot, changes: ChangedFile[]): Promise<void> {
  const policy = await loadPolicy(base, gate.settings.config);
  if (!policy.ok) return configError(policy.findings, gate);
  const head = new FsSnapshot(gate.settings.workspace);
  const report = await checkChange({ base, head, changes, policy: policy.policy, today: gate.today });
  if (report.policyChanged.length > 0) {
    // The base's policy judges this PR; but a head whose policy cannot load (its pack removed or
    // broken) would fail every later run after the merge: fail it here, where it is made.
    const after = await loadPolicy(head, gate.settings.config);
    core.notice(
      `This pull request changes the gate's policy (${report.policyChanged.join(', ')}); it is judged by the base's policy, and the RSO approval check asks for sign-off.`,
    );
    if (!after.ok) {
      report.findings = sortFindings([...report.findings, ...after.findings]);
      report.verdict = verdictOf(report.findings);
    }
  }
  for (const file of report.removed) {
    core.warning(
      `This pull request removes the release declared in ${file} (its folder is gone): nothing is left to judge. Removing a release is a release decision: the RSO approval check asks for sign-off.`,
      { title: 'release removed', file },
    );
  }
  if (report.releases.length === 0 && report.findings.length === 0 && report.removed.length === 0) {
    core.notice('This pull request touches no model release: nothing for the ASL gate to check.');
  }
  core.setOutput('removed', report.removed.length);
  const removedNote =
    report.removed.length === 0
      ? ''
      : `\n### Removed releases\n\n${report.removed.map((f) => `- \`${cell(f)}\`: removed whole by this pull request; nothing left to judge (removal needs RSO sign-off).`).join('\n')}\n`;
  await publish(report, gate, removedNote);
}

/** push: the commit itself is on the branch, so its config is the trusted one. */
export async function gateRepository(gate: Gate): Promise<void> {
  const workspace = new FsSnapshot(gate.settings.workspace);
  const policy = await loadPolicy(workspace, gate.settings.config);
  if (!policy.ok) return configError(policy.findings, gate);
  await publish(await checkRepository({ snapshot: workspace, policy: policy.policy, today: gate.today }), gate);
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
  if (findings.length > MAX_ANNOTATIONS)
    core.warning(`${findings.length - MAX_ANNOTATIONS} more findings are not annotated; see the job summary.`);
}

function writeReport(report: CheckReport, settings: Settings): string {
  const dir = join(settings.runnerTemp, 'asl-gate');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'report.json');
  writeFileSync(path, renderJson(report));
  return path;
}

/** Append to the job summary; a runner without one (or a write that fails) costs a warning, not the verdict. */
async function summarise(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`);
  }
}

async function publish(report: CheckReport, { settings, today }: Gate, more = ''): Promise<void> {
  annotate(report.findings);
  core.setOutput('verdict', report.verdict);
  core.setOutput('releases', report.releases.length);
  core.setOutput(
    'report',
    writeReport({ verdict: report.verdict, releases: report.releases, findings: report.findings }, settings),
  );
  await summarise(renderMarkdown(report, today) + more);
  const n = report.releases.length;
  if (report.verdict === 'fail') {
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const failing = report.releases.filter((r) => r.verdict === 'fail').length;
    core.setFailed(
      `ASL gate failed: ${errors} error${errors === 1 ? '' : 's'} in ${failing} of ${n} release${n === 1 ? '' : 's'}${n === 0 ? ' (see the findings)' : ''}.`,
    );
  } else {
    core.info(`ASL gate passed: ${n} release${n === 1 ? '' : 's'} checked.`);
  }
}

async function configError(findings: Finding[], { settings }: Gate): Promise<void> {
  annotate(findings);
  const report: CheckReport = { verdict: 'fail', releases: [], findings };
  core.setOutput('verdict', 'fail');
  core.setOutput('releases', 0);
  core.setOutput('report', writeReport(report, settings));
  await summarise(
    `## ASL gate: ❌ configuration error\n\n${findings.map((f) => `- \`${f.code}\` ${f.file ?? settings.config}${f.line ? `:${f.line}` : ''}: ${cell(f.message)}`).join('\n')}\n`,
  );
  core.setFailed(`ASL gate configuration error in ${settings.config}: ${findings[0].message}`);
}
