// The due half of the Action (issue 19): on schedule and workflow_dispatch, what falls due.
import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dueInRepository } from '../src/engine/due.js';
import type { Finding } from '../src/findings.js';
import { loadPolicy } from '../src/load/policy.js';
import { renderDueJson } from '../src/report/due-json.js';
import { renderDueMarkdown } from '../src/report/due-markdown.js';
import { cell } from '../src/report/markdown.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import type { GitHubApi } from '../github/snapshot.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import { syncDueIssue } from './due-issue.js';
import type { Settings } from './settings.js';

export interface DueRun {
  settings: Settings;
  /** YYYY-MM-DD (UTC). */
  today: string;
  /** Where the config comes from: the default branch (the workspace on a schedule). */
  configFrom: RepoSnapshot;
  /** The REST client, for the due issue; created only when `due-issue` is on. */
  api: () => GitHubApi;
}

/**
 * `asl-gate due` over the workspace: the due Markdown in the job summary, counts as outputs, the
 * JSON report in RUNNER_TEMP, the due issue when asked for; fails when anything is overdue, as
 * `asl-gate due` exits 1.
 */
export async function dueRun({ settings, today, configFrom, api }: DueRun): Promise<void> {
  const policy = await loadPolicy(configFrom, settings.config);
  if (!policy.ok) return configError(policy.findings, settings);
  const report = await dueInRepository({
    snapshot: new FsSnapshot(settings.workspace),
    policy: policy.policy,
    today,
    within: settings.dueWithin,
  });
  const count = (s: string) => report.items.filter((i) => i.state === s).length;
  const overdue = count('overdue');
  for (const u of report.unread) {
    core.warning(
      `${u.declaration} could not be read in full (${u.problems} problem${u.problems === 1 ? '' : 's'}); its due dates may be missing: run asl-gate check.`,
      { file: u.declaration },
    );
  }
  core.setOutput('overdue', overdue);
  core.setOutput('due-soon', count('due_soon'));
  core.setOutput('upcoming', count('upcoming'));
  const dir = join(settings.runnerTemp, 'asl-gate');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'due.json');
  writeFileSync(path, renderDueJson(report));
  core.setOutput('due-report', path);
  const markdown = renderDueMarkdown(report);
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`);
  }
  if (settings.dueIssue) {
    const [owner, repo] = settings.repository.split('/') as [string, string];
    const issue = await syncDueIssue(api(), { owner, repo, author: settings.dueIssueAuthor }, report, markdown);
    if (issue.number !== undefined) core.setOutput('due-issue', issue.number);
    core.info(
      issue.number === undefined
        ? 'Due issue: nothing overdue or due soon, and no issue to update.'
        : `Due issue #${issue.number}: ${issue.action}.`,
    );
  }
  if (overdue > 0) {
    core.setFailed(
      `${overdue} item${overdue === 1 ? ' is' : 's are'} overdue; see the job summary${settings.dueIssue ? ' and the due issue' : ''}.`,
    );
  } else {
    core.info(`Nothing overdue; ${count('due_soon')} due within ${settings.dueWithin} days.`);
  }
}

async function configError(findings: Finding[], settings: Settings): Promise<void> {
  for (const f of findings)
    core.error(f.message, {
      title: f.code,
      ...(f.file ? { file: f.file } : {}),
      ...(f.line ? { startLine: f.line } : {}),
    });
  try {
    await core.summary
      .addRaw(
        `## What falls due: ❌ configuration error\n\n${findings.map((f) => `- \`${f.code}\` ${f.file ?? settings.config}${f.line ? `:${f.line}` : ''}: ${cell(f.message)}`).join('\n')}\n`,
        true,
      )
      .write();
  } catch {
    /* the failure below says it */
  }
  core.setFailed(`ASL gate configuration error in ${settings.config}: ${findings[0].message}`);
}
