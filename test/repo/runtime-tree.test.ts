// The App's container without a Docker engine: the runtime tree built with the Dockerfile's steps
// (what `npm pack` ships, unpacked beside the lockfile, then `npm ci --omit=dev`), started with
// `npm start`'s command against the loopback stand-in. The image build itself is not run here.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, pullRequestEvent, startArgs, startBot, type BotProcess } from '../helpers/bot.js';
import { exampleRepo, ROOT } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** The instructions of the Dockerfile's last stage (the image that runs). */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('Dockerfile', () => {
  it("runs npm start's exact command as a non-root user, with a health check on /ping", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(runtimeStage)?.[1];
    expect(JSON.parse(cmd!)).toStrictEqual(['node', ...startArgs()]);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD [^\n]*\/ping/m);
    expect(runtimeStage).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('installs production dependencies from the lockfile into what npm pack ships', () => {
    expect(dockerfile).toContain('npm pack --ignore-scripts');
    expect(dockerfile).toContain('cp package-lock.json /app/');
    expect(runtimeStage).toContain('npm ci --omit=dev');
  });
});

describe("the runtime tree (the Dockerfile's steps, no Docker)", () => {
  let work: string;
  let app: string;
  let gh: GitHubStandIn;
  let bot: BotProcess;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'asl-gate-runtime-'));
    app = join(work, 'app');
    // Build stage: lib/ is built (`npm test` builds first); pack what package.json ships.
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as Array<{ filename: string }>;
    mkdirSync(app);
    execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', app, '--strip-components=1']);
    copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    // Runtime stage: production dependencies only, exactly as locked (from npm's cache when it can).
    execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'pipe',
      timeout: 120_000,
    });
    gh = new GitHubStandIn();
    await gh.start();
    gh.commits.set('b'.repeat(40), {
      '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'],
      'README.md': '# models\n',
    });
    gh.user('rso-kaplan');
    gh.teams.set('responsible-scaling', new Set());
    bot = await startBot(gh, {}, join(app, 'lib/bot/main.js'));
  }, 150_000);

  afterAll(async () => {
    await bot?.stop();
    await gh?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds no dev dependency, no tests and no sources', () => {
    for (const dev of ['typescript', 'vitest', 'rolldown', 'nock', 'node', 'eslint'])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'node_modules/probot'))).toBe(true);
    for (const gone of ['test', 'lib/test', 'src', 'bot', 'scripts'])
      expect(existsSync(join(app, gone)), gone).toBe(false);
  });

  it('answers /ping', async () => {
    const r = await fetch(`${bot.url}/ping`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('PONG');
  });

  it('processes webhooks: a non-release PR and a release PR', async () => {
    const plain = gh.openPull(1, 'dev-alice', 'b'.repeat(40), 'c'.repeat(40), { 'README.md': '# hi\n' }, [
      { filename: 'README.md', status: 'modified' },
    ]);
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, plain))).toBe(200);
    expect(gh.latestCheck(plain.head)).toMatchObject({ status: 'completed', conclusion: 'success', app_id: gh.app.id });

    const files = exampleRepo('nova-2');
    const changed = Object.keys(files)
      .filter((p) => p.startsWith('releases/'))
      .map((filename) => ({ filename, status: 'added' as const }));
    const release = gh.openPull(2, 'dev-alice', 'b'.repeat(40), 'd'.repeat(40), files, changed);
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, release))).toBe(200);
    expect(gh.latestCheck(release.head)).toMatchObject({ status: 'in_progress', app_id: gh.app.id });
    expect(gh.stickyComments(2)[0].body).toContain('| nova-2 | deployment ASL-3, security ASL-3 | ✅ pass |');
  });

  it("stops cleanly on the image's stop signal", async () => {
    expect(runtimeStage).toMatch(/^STOPSIGNAL SIGINT$/m);
    const exited = new Promise<number | null>((r) => bot.child.on('exit', (code) => r(code)));
    bot.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(bot.logs()).toContain('Server stopped');
  });
});
