// `npm start`: the RSO approval App as a Probot server, configured by Probot's usual environment
// (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, GHE_HOST/GHE_PROTOCOL, LOG_LEVEL).
import { run } from 'probot';
import { aslGateApp } from './app.js';
import { tunedOctokit } from './octokit.js';

const env = process.env;
const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const retryBaseMs = num(env.ASL_GATE_RETRY_DELAY_MS);
const writeSpacingMs = num(env.ASL_GATE_WRITE_SPACING_MS);

await run((app) => aslGateApp(app, { appId: Number(env.APP_ID), ...(env.ASL_GATE_TODAY ? { today: () => env.ASL_GATE_TODAY! } : {}) }), {
  Octokit: tunedOctokit({ ...(retryBaseMs !== undefined ? { retryBaseMs } : {}), ...(writeSpacingMs !== undefined ? { writeSpacingMs } : {}) }),
});
