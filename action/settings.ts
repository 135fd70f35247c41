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
});

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
  } satisfies Settings);
  if (!result.success) throw new SettingsError(z.prettifyError(result.error), { cause: result.error });
  return result.data;
}

export class SettingsError extends Error {}
