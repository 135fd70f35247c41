// The V8 code cache loader the CLI and the Action start through: it must speed up the second run
// and never change what runs (a changed bundle, a foreign or broken cache, a read-only folder).
// Every load runs in a fresh process: within one, V8 reuses what it compiled and never looks at
// the cache file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/repo.js';

const CHILD = `
const { loadWithCodeCache } = await import(process.argv[1]);
const r = loadWithCodeCache(process.argv[2]);
if (process.argv[3] === 'save') r.save();
console.log(JSON.stringify({ status: r.status, answer: r.exports.answer(), where: r.exports.where() }));
`;
/** Load the bundle in a new Node process (which strips the loader's types itself). */
function load(file: string, save = false, env: NodeJS.ProcessEnv = {}): { status: string; answer: string; where: string; error?: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, join(ROOT, 'src/code-cache.ts'), file, save ? 'save' : ''], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  if (r.status !== 0) return { status: 'crashed', answer: '', where: '', error: r.stderr };
  return JSON.parse(r.stdout) as { status: string; answer: string; where: string };
}

function bundle(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'asl-gate-cache-'));
  const file = join(dir, 'b.cjs');
  writeFileSync(file, body);
  return file;
}
const SOURCE = "const { join } = require('node:path');\nexports.answer = () => join('a', String(6 * 7));\nexports.where = () => new Error('x').stack;\n";

describe('loadWithCodeCache', () => {
  it('runs the bundle as CommonJS, writes a cache after the first run and accepts it after', () => {
    const file = bundle(SOURCE);
    expect(load(file, true)).toMatchObject({ status: 'missing', answer: 'a/42' });
    expect(statSync(`${file}.cache`).size).toBeGreaterThan(100);
    const second = load(file, true);
    expect(second).toMatchObject({ status: 'accepted', answer: 'a/42' });
    // Stack traces name the bundle, at its own line numbers.
    expect(second.where).toContain(`${file}:3:`);
  });

  it('a changed bundle never runs stale code: the cache is stale, the new code runs, the cache is rewritten', () => {
    const file = bundle(SOURCE);
    load(file, true);
    // Same length, different code: V8's own check (source length) would not see this change.
    writeFileSync(file, SOURCE.replace('6 * 7', '7 * 6').replace("'a'", "'b'"));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(load(file, true)).toMatchObject({ status: 'stale', answer: 'b/42' });
    expect(load(file)).toMatchObject({ status: 'accepted', answer: 'b/42' });
  });

  it('another build with the same size and time (as npm installs every file) does not meet the old cache', () => {
    const file = bundle(`// asl-gate build ${'a'.repeat(32)}\n${SOURCE}`);
    const when = new Date('1985-10-26T08:15:00Z');
    utimesSync(file, when, when);
    load(file, true);
    writeFileSync(file, `// asl-gate build ${'b'.repeat(32)}\n${SOURCE.replace("'a'", "'c'")}`);
    utimesSync(file, when, when);
    expect(load(file, true)).toMatchObject({ status: 'stale', answer: 'c/42' });
    expect(load(file)).toMatchObject({ status: 'accepted', answer: 'c/42' });
  });

  it('a cache that V8 refuses (right header, foreign data) is rejected and rewritten', () => {
    const file = bundle(SOURCE);
    load(file, true);
    const cache = readFileSync(`${file}.cache`);
    const header = cache.subarray(0, cache.indexOf(10) + 1);
    writeFileSync(`${file}.cache`, Buffer.concat([header, Buffer.from('not a code cache at all, just bytes')]));
    expect(load(file, true)).toMatchObject({ status: 'rejected', answer: 'a/42' });
    expect(load(file)).toMatchObject({ status: 'accepted', answer: 'a/42' });
  });

  it('NODE_DISABLE_COMPILE_CACHE switches it off: nothing read, nothing written', () => {
    const file = bundle(SOURCE);
    expect(load(file, true, { NODE_DISABLE_COMPILE_CACHE: '1' })).toMatchObject({ status: 'off', answer: 'a/42' });
    expect(existsSync(`${file}.cache`)).toBe(false);
    load(file, true);
    expect(load(file, true, { NODE_DISABLE_COMPILE_CACHE: '1' })).toMatchObject({ status: 'off', answer: 'a/42' });
  });

  it('a cache it cannot write costs nothing but the cache, and leaves no temporary file', () => {
    const file = bundle(SOURCE);
    // A folder where the cache file would go: unreadable as a cache, impossible to rename onto
    // (this works as root too, unlike a read-only folder).
    mkdirSync(`${file}.cache`);
    expect(load(file, true)).toMatchObject({ status: 'missing', answer: 'a/42' });
    expect(load(file)).toMatchObject({ status: 'missing', answer: 'a/42' });
    expect(readdirSync(join(file, '..')).sort()).toEqual(['b.cjs', 'b.cjs.cache']);
  });
});
