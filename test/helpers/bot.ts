import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubStandIn, Pull, PullFile, TreeFiles } from '../standin/github.js';
import { ROOT } from './repo.js';
import { webhook } from './webhooks.js';

export const SECRET = 'webhook-secret-for-tests';
let key: string | undefined;
/** A throwaway App private key (generated once per test process). */
export function privateKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface BotProcess {
  url: string;
  child: ChildProcess;
  logs: () => string;
  stop(): Promise<void>;
}

/** The node arguments of `npm start` (package.json's start script), so tests run exactly that. */
export function startArgs(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts.start;
  const [node, ...args] = script.split(/\s+/);
  if (node !== 'node') throw new Error(`unexpected start script: ${script}`);
  return args;
}

/**
 * `npm start`'s command with Probot's environment, GitHub = the stand-in. `entry` runs another
 * Probot app the same way (the benchmark's no-op baseline).
 */
export async function startBot(gh: GitHubStandIn, env: NodeJS.ProcessEnv = {}, entry?: string): Promise<BotProcess> {
  const port = await freePort();
  const host = new URL(gh.url).host;
  const args = startArgs();
  if (entry) args[args.length - 1] = entry;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_ID: String(gh.app.id),
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: host,
      GHE_PROTOCOL: 'http',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ASL_GATE_RETRY_DELAY_MS: '20',
      ASL_GATE_WRITE_SPACING_MS: '0',
      ASL_GATE_TODAY: '2026-11-28',
      ...env,
    },
  });
  let logs = '';
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${url}/ping`);
      if (r.ok || r.status === 404) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.exitCode !== null) throw new Error(`bot exited: ${logs}`);
  }
  return {
    url,
    child,
    logs: () => logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POST a webhook like GitHub does; resolves once the App has handled it. */
export async function deliver(
  bot: { url: string },
  event: string,
  payload: unknown,
  opts: { signature?: string | null; id?: string } = {},
): Promise<number> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': opts.id ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/standin',
  };
  const sig = opts.signature === undefined ? sign(body) : opts.signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  const r = await fetch(`${bot.url}/api/github/webhooks`, { method: 'POST', headers, body });
  await r.text();
  return r.status;
}

const repository = { name: 'models', full_name: 'lab/models', owner: { login: 'lab', id: 1, type: 'Organization' } };

export function pullRequestEvent(
  gh: GitHubStandIn,
  pr: Pull,
  action = 'opened',
  changes?: Record<string, unknown>,
): Record<string, unknown> {
  // @octokit/webhooks-examples has no `edited` delivery: an `opened` one with the action swapped and
  // the `changes` object GitHub documents for `edited` (`changes.base.ref.from`, `changes.title.from`, …).
  const event = webhook('pull_request', action === 'edited' ? 'opened' : action, {
    action,
    number: pr.number,
    pull_request: gh.pullJson(pr),
    repository,
    installation: { id: 77 },
  });
  if (action === 'edited') event.changes = changes ?? { title: { from: 'Release' } };
  return event;
}

export function commentEvent(
  gh: GitHubStandIn,
  c: ReturnType<GitHubStandIn['comment']>,
  action: 'created' | 'edited' = 'created',
): Record<string, unknown> {
  return webhook('issue_comment', action, {
    action,
    issue: {
      number: c.issue,
      pull_request: { url: `${gh.url}/repos/lab/models/pulls/${c.issue}` },
      user: { login: 'someone' },
    },
    comment: gh.commentJson(c),
    repository,
    installation: { id: 77 },
  });
}

/** GitHub's listing of a PR that adds every release file of `files` (the usual release PR of a test). */
export function releaseChanges(files: TreeFiles): PullFile[] {
  return Object.keys(files)
    .filter((p) => p.startsWith('releases/'))
    .map((filename) => ({ filename, status: 'added' }));
}
