import * as core from '@actions/core';
import * as z from 'zod/mini';
import { isIsoDate } from '../src/dates.js';

/** Everything one run of the Action needs to know, from its inputs and the runner's environment. */
export interface Settings {
  /** Token for the REST API: reads the PR's file list and the base branch's config. */
  token: string;
  /** Repository path of the gate config, read from the base branch on pull requests. */
  config: string;
  /** The day to judge on (testing only); today (UTC) when empty. */
  now?: string | undefined;
  /** `pull_request`, `push`, `workflow_dispatch`, ... */
  eventName: string;
  /** The webhook payload that triggered the run. */
  eventPath: string;
  /** owner/name */
  repository: string;
  /** The checked-out head of the PR (or the pushed commit). */
  workspace: string;
  /** Where the JSON report is written. */
  runnerTemp: string;
  /** On schedule and workflow_dispatch: keep one issue up to date with what falls due (needs `issues: write`). */
  dueIssue: boolean;
  /** Days ahead that count as due soon (`asl-gate due --within`). */
  dueWithin: number;
  /** The only author whose due issue is trusted (and edited): the token's own identity. */
  dueIssueAuthor: string;
  /** The branch or tag the run is on (`refs/heads/main`), to tell a dispatch on another branch. */
  ref?: string | undefined;
}

const settingsSchema = z.object({
  token: z.string(),
  config: z.string().check(z.minLength(1, 'the config input must not be empty')),
  now: z.optional(z.string().check(z.refine(isIsoDate, 'the now input must be a date as YYYY-MM-DD'))),
  eventName: z.string().check(z.minLength(1, 'GITHUB_EVENT_NAME is not set: is this running in GitHub Actions?')),
  eventPath: z.string().check(z.minLength(1, 'GITHUB_EVENT_PATH is not set')),
  repository: z.string().check(z.regex(/^[^/\s]+\/[^/\s]+$/, 'GITHUB_REPOSITORY must be owner/name')),
  workspace: z.string().check(z.minLength(1, 'GITHUB_WORKSPACE is not set')),
  runnerTemp: z.string().check(z.minLength(1, 'RUNNER_TEMP is not set')),
  dueIssue: z.boolean(),
  dueWithin: z
    .number()
    .check(
      z.int('the due-within input must be a whole number of days'),
      z.gte(0, 'the due-within input must be 0 or more'),
      z.lte(99999, 'the due-within input must be at most 99999'),
    ),
  dueIssueAuthor: z.string().check(z.minLength(1, 'the due-issue-author input must not be empty')),
  ref: z.optional(z.string()),
});

/** `true`/`false` (YAML 1.2 core schema spellings), empty for the default. */
function booleanInput(name: string, fallback: boolean): boolean {
  const v = core.getInput(name).trim();
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new SettingsError(`the ${name} input must be true or false, not ${JSON.stringify(v)}`);
}

/** Read the inputs (through @actions/core) and the runner's variables into Settings. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const result = settingsSchema.safeParse({
    token: core.getInput('token'),
    config: core.getInput('config') || '.github/asl-gate.yml',
    now: core.getInput('now') || undefined,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventPath: env.GITHUB_EVENT_PATH ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    workspace: env.GITHUB_WORKSPACE ?? '',
    runnerTemp: env.RUNNER_TEMP ?? '',
    dueIssue: booleanInput('due-issue', false),
    dueWithin: core.getInput('due-within').trim() === '' ? 30 : Number(core.getInput('due-within').trim()),
    dueIssueAuthor: core.getInput('due-issue-author').trim() || 'github-actions[bot]',
    ref: env.GITHUB_REF || undefined,
  } satisfies Settings);
  if (!result.success) throw new SettingsError(z.prettifyError(result.error), { cause: result.error });
  return result.data;
}

export class SettingsError extends Error {}
