// What `npm pack` ships (the CLI, the engine, the App, the Action, packs and schemas) is what
// runs: no tests, no test tooling, no build-time generators, and every import of a shipped module
// resolves to a shipped file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startArgs } from '../helpers/bot.js';
import { ROOT } from '../helpers/repo.js';

let shipped: Set<string>;
beforeAll(() => {
  // --ignore-scripts: `npm test` has just built lib/; `npm pack` would otherwise build it again.
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ files: Array<{ path: string }> }>;
  shipped = new Set(pack.files.map((f) => f.path));
});

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, string>;
};
const actionMain = /^\s+main:\s*(\S+)/m.exec(readFileSync(join(ROOT, 'action.yml'), 'utf8'))![1];
/** Where running starts: the `asl-gate` bin, the engine export, `npm start`'s App, the Action. */
const entries = [...Object.values(pkg.bin), ...Object.values(pkg.exports), startArgs().at(-1)!, actionMain].map((p) =>
  normalize(p),
);

/** Relative module specifiers of a JavaScript file (static, dynamic, require, and `new URL` of a worker). */
function importsOf(file: string): string[] {
  // JavaScript has no `import type`: that text is TypeScript in a string (code a generator writes).
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/import type [^;\n]*/g, '');
  return [
    ...text.matchAll(/(?:\bfrom|\bimport|\brequire|\bnew URL)\s*\(?\s*["'`](\.{1,2}\/[^"'`$]+\.[cm]?js)["'`]/g),
  ].map((m) => normalize(join(dirname(file), m[1])));
}

describe('npm pack', () => {
  it('ships no tests and nothing only the build or the tests use', () => {
    const unwanted = [...shipped].filter(
      (p) =>
        /(^|\/)(test|tests|__tests__|fixtures)\//.test(p) ||
        /\.test\.[cm]?[jt]s$/.test(p) ||
        /^(src|bot|action|scripts|bench)\//.test(p) ||
        /^lib\/(action|src\/cli)\//.test(p) ||
        p.endsWith('.ts') ||
        p.endsWith('.cache'),
    );
    expect(unwanted).toStrictEqual([]);
  });

  it('ships every entry point, the built-in packs and the JSON Schemas', () => {
    for (const entry of entries) expect(shipped.has(entry), entry).toBe(true);
    expect(shipped.has('action.yml')).toBe(true);
    expect([...shipped].filter((p) => p.startsWith('packs/')).length).toBeGreaterThan(0);
    for (const k of ['assessment', 'config', 'declaration', 'pack'])
      expect(shipped.has(`schema/${k}.schema.json`), k).toBe(true);
  });

  it('every module an entry reaches is shipped', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    const queue = [...entries];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!shipped.has(file)) {
        missing.push(file);
        continue;
      }
      queue.push(...importsOf(file));
    }
    expect(missing).toStrictEqual([]);
  });

  it('ships no module of the App, the CLI or the engine that nothing runs', () => {
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file) || !shipped.has(file)) continue;
      seen.add(file);
      queue.push(...importsOf(file));
    }
    const dead = [...shipped].filter((p) => /^lib\/(bot|cli|engine)\//.test(p) && !seen.has(p));
    expect(dead).toStrictEqual([]);
  });
});
