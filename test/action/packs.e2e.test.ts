// The bundled Action (dist/index.js) judges a repository whose config names each pack-format-2
// built-in pack: its example's passing release passes, its failing one fails with the
// framework-specific finding as an annotation at file:line. The stand-in serves the base config.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prEvent, runAction } from '../helpers/action.js';
import { readTree, ROOT } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
let gh: GitHubStandIn;

beforeEach(async () => {
  gh = new GitHubStandIn();
  await gh.start();
});
afterEach(() => gh.stop());

const CASES = [
  { pack: 'anthropic-rsp-2.2-text', pass: 'clio-2', fail: 'clio-3', code: 'artifact.missing' },
  { pack: 'openai-preparedness-2', pass: 'o-lumen', fail: 'o-lumen-max', code: 'threshold.halt' },
  { pack: 'google-deepmind-fsf-3', pass: 'g-terra', fail: 'g-terra-cyber', code: 'artifact.missing' },
] as const;

describe.each(CASES)('ASL gate Action with the built-in pack $pack', ({ pack, pass, fail, code }) => {
  async function judge(model: string) {
    const workspace = readTree(join(ROOT, 'examples/packs', pack));
    gh.commits.set(BASE, { '.github/asl-gate.yml': workspace['.github/asl-gate.yml'], 'README.md': '# models\n' });
    const changed = Object.keys(workspace).filter((p) => p.startsWith(`releases/${model}/`));
    gh.pullFiles.set(
      7,
      changed.map((filename) => ({ filename, status: 'added' })),
    );
    return runAction({
      workspace,
      event: prEvent({ number: 7, base: BASE, head: HEAD, changedFiles: changed.length }),
      apiUrl: gh.url,
    });
  }

  it(`passes ${pass} and fails ${fail} with ${code}`, async () => {
    const ok = await judge(pass);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.outputs).toMatchObject({ verdict: 'pass', releases: '1' });
    expect(ok.annotations.filter((a) => a.kind === 'error')).toEqual([]);

    const bad = await judge(fail);
    expect(bad.code).toBe(1);
    expect(bad.outputs).toMatchObject({ verdict: 'fail', releases: '1' });
    const errors = bad.annotations.filter((a) => a.kind === 'error' && a.props.title);
    expect(errors.length).toBeGreaterThan(0);
    for (const a of errors) {
      expect(a.props.title).toBe(code);
      expect(a.props.file).toBe(`releases/${fail}/asl.yml`);
      expect(Number(a.props.line)).toBeGreaterThan(0);
    }
  });
});
