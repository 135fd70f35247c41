// `npm start` as a process: in production it refuses to start without its credentials (one line,
// exit 2, never Probot's setup mode); outside production it keeps Probot's developer flow and
// warns once.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, privateKey, startArgs } from '../helpers/bot.js';
import { ROOT } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
/** An empty working folder: no `.env`, no `*.pem` for Probot to find. */
function folder(files: Record<string, string> = {}): string {
  const d = tempDir('start');
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

interface Exit {
  code: number | null;
  output: string;
}

/** Run `npm start`'s command in `cwd` with exactly `env` (plus PATH); resolves when it exits. */
function start(env: NodeJS.ProcessEnv, cwd = folder()): Promise<Exit> {
  return launch(env, cwd).exited;
}

function launch(env: NodeJS.ProcessEnv, cwd: string): { stop: () => void; exited: Promise<Exit> } {
  const args = startArgs().map((a) => (a.endsWith('.js') ? join(ROOT, a) : a));
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code) => (clearTimeout(timer), resolve({ code, output }))),
  );
  return { stop: () => child.kill('SIGTERM'), exited };
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
/** The start stopped with exit code 2 and said exactly `line`, nothing else. */
function refused(exit: Exit, line: string): void {
  expect(exit.code).toBe(2);
  expect(lines(exit.output)).toStrictEqual([line]);
}
const production = { NODE_ENV: 'production' };
/** Production with every credential in place: what is refused then is refused for another reason. */
const credentialed = () => ({ ...production, APP_ID: '4242', PRIVATE_KEY: privateKey(), WEBHOOK_SECRET: 's3cret' });

describe('npm start with NODE_ENV=production', () => {
  it('names everything missing in one line and exits 2', async () => {
    const r = await start(production);
    refused(
      r,
      'asl-gate: not starting (NODE_ENV=production): APP_ID is not set; PRIVATE_KEY or PRIVATE_KEY_PATH is not set; WEBHOOK_SECRET is not set',
    );
  });

  it('refuses an unreadable key file without a stack trace or setup mode', async () => {
    const r = await start({ ...production, APP_ID: '4242', PRIVATE_KEY_PATH: 'missing.pem', WEBHOOK_SECRET: 's3cret' });
    refused(r, 'asl-gate: not starting (NODE_ENV=production): PRIVATE_KEY_PATH "missing.pem" cannot be read (ENOENT)');
  });

  it("refuses a key that is not a private key, and Probot's default secret", async () => {
    const r = await start(
      { ...production, APP_ID: '4242', PRIVATE_KEY_PATH: 'key.pem', WEBHOOK_SECRET: 'development' },
      folder({ 'key.pem': 'not a key\n' }),
    );
    refused(
      r,
      'asl-gate: not starting (NODE_ENV=production): PRIVATE_KEY_PATH "key.pem" is not a PEM private key; WEBHOOK_SECRET is Probot\'s public default "development"',
    );
  });

  it('refuses a non-numeric APP_ID and a PRIVATE_KEY that is not a key', async () => {
    const r = await start({ ...production, APP_ID: 'rso-approval', PRIVATE_KEY: 'abc', WEBHOOK_SECRET: 's3cret' });
    refused(
      r,
      'asl-gate: not starting (NODE_ENV=production): APP_ID "rso-approval" is not a number; PRIVATE_KEY is not a PEM private key',
    );
  });

  it('refuses a malformed tuning setting rather than quietly using its default', async () => {
    const r = await start({
      ...credentialed(),
      ASL_GATE_JUDGE_HEAP_MB: '4',
      ASL_GATE_JUDGE_TIMEOUT_MS: '30s',
      ASL_GATE_WRITE_SPACING_MS: '0',
    });
    refused(
      r,
      'asl-gate: not starting (NODE_ENV=production): ASL_GATE_JUDGE_TIMEOUT_MS "30s" is not a number >= 1; ASL_GATE_JUDGE_HEAP_MB "4" is not a number >= 16',
    );
    // Outside production too: a typo in a budget is never the budget.
    const dev = await start({ ASL_GATE_RETRY_DELAY_MS: '-1' });
    refused(dev, 'asl-gate: not starting: ASL_GATE_RETRY_DELAY_MS "-1" is not a number >= 0');
  });

  it("refuses a Node heap flag, which would lift the judging workers' heap bound", async () => {
    const r = await start({
      ...credentialed(),
      NODE_OPTIONS: '--max-old-space-size=512',
    });
    refused(
      r,
      "asl-gate: not starting (NODE_ENV=production): Node's --max-old-space-size would override each judging worker's heap bound: remove it (set ASL_GATE_JUDGE_HEAP_MB instead)",
    );
  });

  it('with REDIS_URL, checks at start that Redis answers, and stops in one line when it does not', async () => {
    // Probot would otherwise start, answer /ping, and leave every API call waiting on a Redis that
    // is not there: a replica that cannot share the rate limit must not look healthy.
    const port = await freePort();
    const r = await start({
      ...credentialed(),
      REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`,
    });
    refused(
      r,
      `asl-gate: not starting: REDIS_URL redis://:***@127.0.0.1:${port} does not answer (ECONNREFUSED); Probot's shared throttling needs it: start Redis, fix the address, or unset REDIS_URL`,
    );
  });

  it('reads the credentials from .env as Probot does, and starts', async () => {
    const port = await freePort();
    const cwd = folder({
      '.env': 'APP_ID=4242\nWEBHOOK_SECRET=s3cret\nPRIVATE_KEY_PATH=app.pem\n',
      'app.pem': privateKey(),
    });
    const app = launch({ ...production, PORT: String(port), HOST: '127.0.0.1' }, cwd);
    const ping = await pingUntilUp(port);
    app.stop();
    const r = await app.exited;
    expect(ping).toBe('PONG');
    expect(r.output).not.toContain('asl-gate:');
  });
});

describe('npm start outside production', () => {
  it("keeps Probot's setup flow and prints one warning line", async () => {
    const port = await freePort();
    const app = launch({ PORT: String(port), HOST: '127.0.0.1' }, folder());
    const ping = await pingUntilUp(port);
    app.stop();
    const r = await app.exited;
    expect(ping).toBe('PONG');
    const ours = lines(r.output).filter((l) => l.includes('asl-gate'));
    expect(ours).toStrictEqual([
      'asl-gate: warning: development mode (NODE_ENV is not production): APP_ID is not set; PRIVATE_KEY or PRIVATE_KEY_PATH is not set; WEBHOOK_SECRET is not set, so Probot may open its setup page or accept webhooks signed with "development"; set NODE_ENV=production to deploy',
    ]);
    expect(r.output).toContain('Probot is in setup mode');
  });
});

/** GET /ping until the server answers (its body), or '' if the process has exited. */
async function pingUntilUp(port: number): Promise<string> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/ping`);
      return await r.text();
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return '';
}
