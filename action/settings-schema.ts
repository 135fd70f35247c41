// The Action's settings as a zod schema: the definition, and what words a bad setting. A run
// checks settings against the description generated from it (settings.generated.ts, `npm run
// generate`), and loads this module, and zod, only when that check does not accept them.
import * as z from 'zod/mini';
import { isIsoDate } from '../src/dates.js';

z.config({ jitless: true });

export const settingsSchema = z.object({
  token: z.string(),
  config: z.string().check(z.minLength(1, 'the config input must not be empty')),
  now: z.optional(z.string().check(z.refine(isIsoDate, 'the now input must be a date as YYYY-MM-DD'))),
  eventName: z.string().check(z.minLength(1, 'GITHUB_EVENT_NAME is not set: is this running in GitHub Actions?')),
  eventPath: z.string().check(z.minLength(1, 'GITHUB_EVENT_PATH is not set')),
  repository: z.string().check(z.regex(/^[^/\s]+\/[^/\s]+$/, 'GITHUB_REPOSITORY must be owner/name')),
  workspace: z.string().check(z.minLength(1, 'GITHUB_WORKSPACE is not set')),
  runnerTemp: z.string().check(z.minLength(1, 'RUNNER_TEMP is not set')),
});
