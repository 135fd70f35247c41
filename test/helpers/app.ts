// The App against the stand-in, set up and torn down around one test file (vitest only: the
// benches and the demo use bot.ts from lib/, without vitest).
import { afterAll, beforeAll } from 'vitest';
import { GitHubStandIn } from '../standin/github.js';
import { startBot, type BotProcess } from './bot.js';
import { exampleRepo } from './repo.js';

/**
 * For one test file: the stand-in with the example config on base commit `base`, the RSO
 * `rso-kaplan` as a user, and the App running against it (with `env` over the usual environment);
 * both stop after the file. `before` changes the stand-in before it starts.
 */
export function exampleAppAgainstStandIn(
  base: string,
  opts: { env?: NodeJS.ProcessEnv; before?: (gh: GitHubStandIn) => void } = {},
): { gh: () => GitHubStandIn; bot: () => BotProcess } {
  let gh: GitHubStandIn | undefined;
  let bot: BotProcess | undefined;
  beforeAll(async () => {
    gh = new GitHubStandIn();
    opts.before?.(gh);
    await gh.start();
    gh.commits.set(base, { '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'], 'README.md': '# models\n' });
    gh.user('rso-kaplan');
    bot = await startBot(gh, opts.env);
  });
  afterAll(async () => {
    await bot?.stop();
    await gh?.stop();
  });
  return { gh: () => gh!, bot: () => bot! };
}
