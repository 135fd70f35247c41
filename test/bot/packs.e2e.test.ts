// The RSO approval App (a real server, `npm start`'s command) on repositories whose base config
// names each pack-format-2 built-in pack: the passing example release waits for the RSO and turns
// green on approval; the failing one concludes failure with the framework-specific finding.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess } from '../helpers/bot.js';
import { readTree, ROOT } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

let gh: GitHubStandIn;
let bot: BotProcess;
let next = 300;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.user('rso-example');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot.stop();
  await gh.stop();
});

const sha = (n: number) => `${n.toString(16).padStart(4, '0')}f`.padEnd(40, 'd');

const CASES = [
  { pack: 'anthropic-rsp-2.2-text', pass: 'clio-2', fail: 'clio-3', code: 'artifact.missing' },
  { pack: 'openai-preparedness-2', pass: 'o-lumen', fail: 'o-lumen-max', code: 'threshold.halt' },
  { pack: 'google-deepmind-fsf-3', pass: 'g-terra', fail: 'g-terra-cyber', code: 'artifact.missing' },
] as const;

describe.each(CASES)('RSO approval App with the built-in pack $pack', ({ pack, pass, fail, code }) => {
  /** Open a PR adding `model`'s release into a base whose config names the pack. */
  async function open(model: string) {
    const files = readTree(join(ROOT, 'examples/packs', pack));
    const n = next++;
    const base = `${n.toString(16)}`.padStart(40, 'b');
    gh.commits.set(base, { '.github/asl-gate.yml': files['.github/asl-gate.yml'], 'README.md': '# models\n' });
    const changed = Object.keys(files).filter((p) => p.startsWith(`releases/${model}/`));
    const pr = gh.openPull(
      n,
      'dev-alice',
      base,
      sha(n),
      files,
      changed.map((filename) => ({ filename, status: 'added' as const })),
    );
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
    return pr;
  }

  it(`${pass} waits for the RSO and is approved; ${fail} fails with ${code}`, async () => {
    const ok = await open(pass);
    expect(gh.latestCheck(ok.head)).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(gh.stickyComments(ok.number)[0].body).toContain(`| ${pass} |`);
    const c = gh.comment(ok.number, 'rso-example', '/rso approve');
    expect(await deliver(bot, 'issue_comment', commentEvent(gh, c))).toBe(200);
    expect(gh.latestCheck(ok.head)).toMatchObject({ status: 'completed', conclusion: 'success' });

    const bad = await open(fail);
    expect(gh.latestCheck(bad.head)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.latestCheck(bad.head)!.output.summary).toContain(code);
  });
});
