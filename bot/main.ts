// `npm start`: the RSO approval App as a Probot server, configured by Probot's usual environment
// (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, GHE_HOST/GHE_PROTOCOL, LOG_LEVEL,
// REDIS_URL).
import { run } from 'probot';
import { aslGateApp } from './app.js';
import { tunedOctokit } from './octokit.js';
import { probotEnv, startupVerdict } from './startup.js';

const env = process.env;
// Before Probot: in production a missing credential stops here, never in Probot's setup mode.
const verdict = startupVerdict(env, process.cwd());
if (verdict) process.stderr.write(`${verdict.line}\n`);
// stderr is written synchronously (a file, pipe or terminal), so the line is out before the exit.
if (verdict?.refuse) process.exit(2);

// With REDIS_URL Probot shares its throttling between replicas through Redis (README, "Several
// replicas"): keep its throttling plugin on, and stop here in one line if Redis does not answer.
const redisUrl = probotEnv(env, process.cwd()).REDIS_URL;
if (redisUrl) {
  const { redisProblem } = await import('./redis.js');
  const problem = await redisProblem(redisUrl);
  if (problem) {
    process.stderr.write(`asl-gate: not starting: ${problem}\n`);
    process.exit(2);
  }
}

const num = (v: string | undefined) =>
  v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
const retryBaseMs = num(env.ASL_GATE_RETRY_DELAY_MS);
const writeSpacingMs = num(env.ASL_GATE_WRITE_SPACING_MS);

await run(
  (app) =>
    aslGateApp(app, { appId: Number(env.APP_ID), ...(env.ASL_GATE_TODAY ? { today: () => env.ASL_GATE_TODAY! } : {}) }),
  {
    Octokit: tunedOctokit({
      ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
      ...(writeSpacingMs !== undefined ? { writeSpacingMs } : {}),
      throttling: Boolean(redisUrl),
    }),
  },
);
