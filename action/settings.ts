import { UNSURE } from '../src/schemas/fast-runtime.js';
import { FAST } from './settings.generated.js';

/** Everything one run of the Action needs to know, from its inputs and the runner's environment. */
export interface Settings {
  /** Token for the REST API: reads the PR's file list and the base branch's config. */
  token: string;
  /** Repository path of the gate config, read from the base branch on pull requests. */
  config: string;
  /** The day to judge on (testing only); today (UTC) when empty. */
  now?: string;
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

/** Read inputs (`INPUT_*`, as @actions/core does) and the runner's variables into Settings. */
export async function readSettings(env: NodeJS.ProcessEnv): Promise<Settings> {
  const input = (name: string) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
  const raw = {
    token: input('token'),
    config: input('config') || '.github/asl-gate.yml',
    now: input('now') || undefined,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventPath: env.GITHUB_EVENT_PATH ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    workspace: env.GITHUB_WORKSPACE ?? '',
    runnerTemp: env.RUNNER_TEMP ?? '',
  };
  // The checker generated from the zod schema (settings-schema.ts) accepts good settings; zod,
  // loaded only then, words what is wrong.
  let s = FAST.settings(raw) as Settings | typeof UNSURE;
  if (s === UNSURE) {
    const { settingsSchema } = await import('./settings-schema.js');
    const { prettifyError } = await import('zod/mini');
    const result = settingsSchema.safeParse(raw);
    if (!result.success) throw new SettingsError(prettifyError(result.error), { cause: result.error });
    s = result.data as Settings;
  }
  return { ...s, ...(s.now === undefined ? {} : { now: s.now }) } as Settings;
}

export class SettingsError extends Error {}
