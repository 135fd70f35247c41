// What `npm start` checks before handing over to Probot. In production a missing credential must
// stop the process: Probot would otherwise open its setup page to anyone who can reach the port,
// or verify webhooks against its built-in secret `development`, which anyone can sign with.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** Probot's secret when WEBHOOK_SECRET is unset: public, so never acceptable in production. */
const PROBOT_DEFAULT_SECRET = 'development';

/**
 * The environment Probot will see: the process environment with `.env` of `cwd` laid over it,
 * as Probot's `run()` applies it (the file wins).
 */
export function probotEnv(env: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8');
  } catch {
    return env;
  }
  return { ...env, ...parseEnv(text) };
}

/** Why this environment cannot run the App in production; empty when it can. */
export function productionProblems(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const problems: string[] = [];
  if (!/^[1-9][0-9]*$/.test(env.APP_ID ?? ''))
    problems.push(env.APP_ID ? `APP_ID ${JSON.stringify(env.APP_ID)} is not a number` : 'APP_ID is not set');
  const key = privateKeyProblem(env, cwd);
  if (key) problems.push(key);
  if (!env.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET is not set');
  else if (env.WEBHOOK_SECRET === PROBOT_DEFAULT_SECRET)
    problems.push(`WEBHOOK_SECRET is Probot's public default "${PROBOT_DEFAULT_SECRET}"`);
  return problems;
}

function privateKeyProblem(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.PRIVATE_KEY) {
    // Probot also takes the key base64-encoded, or on one line with literal "\n"s.
    let pem = env.PRIVATE_KEY.includes('-----BEGIN')
      ? env.PRIVATE_KEY
      : Buffer.from(env.PRIVATE_KEY, 'base64').toString('utf8');
    pem = pem.replace(/\\n/g, '\n');
    return isPrivateKey(pem) ? undefined : 'PRIVATE_KEY is not a PEM private key';
  }
  if (!env.PRIVATE_KEY_PATH) return 'PRIVATE_KEY or PRIVATE_KEY_PATH is not set';
  let pem: string;
  try {
    pem = readFileSync(resolve(cwd, env.PRIVATE_KEY_PATH), 'utf8');
  } catch (e) {
    return `PRIVATE_KEY_PATH ${JSON.stringify(env.PRIVATE_KEY_PATH)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  return isPrivateKey(pem)
    ? undefined
    : `PRIVATE_KEY_PATH ${JSON.stringify(env.PRIVATE_KEY_PATH)} is not a PEM private key`;
}

function isPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/**
 * The App's own settings (README, "Secrets and settings") and the least each may be. The App reads
 * an unset or malformed one as its default; a malformed one is refused here instead, so that a
 * typo never silently leaves a budget other than the one the operator meant.
 */
const SETTINGS = {
  ASL_GATE_JUDGE_TIMEOUT_MS: 1,
  ASL_GATE_POLICY_TIMEOUT_MS: 1,
  // Below this a worker cannot hold the engine itself, and every release would fail closed.
  ASL_GATE_JUDGE_HEAP_MB: 16,
  ASL_GATE_WRITE_SPACING_MS: 0,
  ASL_GATE_RETRY_DELAY_MS: 0,
};

/** Each setting that is set but is not a number at or above its least value. */
export function settingProblems(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(SETTINGS).flatMap(([name, least]) => {
    const value = env[name];
    if (value === undefined || value === '') return [];
    const n = Number(value);
    return Number.isFinite(n) && n >= least ? [] : [`${name} ${JSON.stringify(value)} is not a number >= ${least}`];
  });
}

/**
 * A heap flag given to Node: V8 applies it to every thread, so it replaces the judging workers' own
 * heap bound (`ASL_GATE_JUDGE_HEAP_MB`; measured: a worker bounded at 16 MB then grew to 112 MB).
 */
export function heapFlagProblem(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const flag = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].find((a) =>
    /^--max[-_](old[-_]space|heap)[-_]size(=|$)/.test(a),
  );
  return flag
    ? `Node's ${flag.split('=')[0]} would override each judging worker's heap bound: remove it (set ASL_GATE_JUDGE_HEAP_MB instead)`
    : undefined;
}

/**
 * The one line `npm start` prints before Probot starts, or undefined when it should print none.
 * `refuse` means exit without starting Probot.
 */
export function startupVerdict(
  env: NodeJS.ProcessEnv,
  cwd: string,
  execArgv: readonly string[] = process.execArgv,
): { refuse: boolean; line: string } | undefined {
  const seen = probotEnv(env, cwd);
  const problems = productionProblems(seen, cwd);
  const heapFlag = heapFlagProblem(execArgv, env.NODE_OPTIONS);
  const settings = [...settingProblems(seen), ...(heapFlag ? [heapFlag] : [])];
  if (seen.NODE_ENV === 'production') {
    const all = [...problems, ...settings];
    return all.length
      ? { refuse: true, line: `asl-gate: not starting (NODE_ENV=production): ${all.join('; ')}` }
      : undefined;
  }
  if (settings.length) return { refuse: true, line: `asl-gate: not starting: ${settings.join('; ')}` };
  const missing = problems.length
    ? `${problems.join('; ')}, so Probot may open its setup page or accept webhooks signed with "${PROBOT_DEFAULT_SECRET}"`
    : 'credentials are complete';
  return {
    refuse: false,
    line: `asl-gate: warning: development mode (NODE_ENV is not production): ${missing}; set NODE_ENV=production to deploy`,
  };
}
