// The simple YAML reader is a fast path: whenever it answers, the full path (the `yaml` package
// under the safe-reading rules) must accept the same text with the same value and the same
// position for every node and key. Checked here on real files, hand-picked edge cases, and
// generated documents with random styles and mutations.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFullYaml } from '../src/yaml/full-yaml.js';
import { parseYaml, type ParsedYaml, type YamlPath } from '../src/yaml/safe-yaml.js';
import { parseSimpleYaml } from '../src/yaml/simple-yaml.js';
import { ROOT } from './helpers/repo.js';

/** Every path to a node of `value`, each also one step past its end (a missing child). */
function pathsOf(value: unknown, path: YamlPath = []): YamlPath[] {
  const out: YamlPath[] = [path];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
    out.push([...path, value.length], [...path, 'x']);
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) out.push(...pathsOf((value as Record<string, unknown>)[k], [...path, k]));
    out.push([...path, 'no-such-key'], [...path, 0]);
  }
  return out;
}

/** Assert the contract for one text; returns whether the simple reader took it. */
async function agree(text: string): Promise<boolean> {
  const simple = parseSimpleYaml(text);
  if (simple === undefined) return false;
  const full = parseFullYaml(text, 'f.yml');
  if (!full.ok) throw new Error(`the simple reader took text the full path refuses: ${JSON.stringify(text)}\n${JSON.stringify(full.findings)}`);
  const fast = await parseYaml(text, 'f.yml');
  if (!fast.ok) throw new Error('parseYaml refused what the simple reader took');
  expect(fast.parsed.value, JSON.stringify(text)).toEqual(full.parsed.value);
  expect(Object.getPrototypeOf(fast.parsed.value)).toBe(Object.getPrototypeOf(full.parsed.value));
  const at = (p: ParsedYaml, path: YamlPath, key: boolean) => p.locate(path, { key });
  for (const path of pathsOf(full.parsed.value)) {
    for (const key of [false, true]) {
      expect(at(fast.parsed, path, key), `${JSON.stringify(text)} at ${JSON.stringify(path)}${key ? ' (key)' : ''}`).toEqual(at(full.parsed, path, key));
    }
  }
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git' || name === 'lib' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

describe('simple YAML reader', () => {
  it('reads every example file, so the fast path is the one the examples take', async () => {
    const files = yamlFilesUnder(join(ROOT, 'examples')).filter((f) => !f.includes('/workflows/'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(await agree(readFileSync(f, 'utf8')), relative(ROOT, f)).toBe(true);
  });

  it('agrees with the full path on every YAML file in the repository', async () => {
    for (const f of yamlFilesUnder(ROOT)) await agree(readFileSync(f, 'utf8'));
  });

  it('agrees on hand-picked edge cases, and leaves the rest to the full path', async () => {
    const taken = [
      'a: 1\n',
      'a: -0\nb: +5\nc: 007\nd: 0o17\ne: 0x1F\nf: 1.\ng: .5\nh: 1e3\ni: -.INF\nj: .NaN\nk: 1.10\nl: 2026-11-15\n',
      'a: ~\nb: null\nc: NULL\nd: True\ne: FALSE\nf: yes\ng: no\nh: on\n',
      // Signs: in front, after an exponent's e, or anywhere else (then text).
      'a: 1e-5\nb: -1E+3\nc: +.5e-1\nd: 1-2\ne: 1.5-rc\nf: 0x1e-5\ng: -1-\nh: 2026-11-15T00:00\ni: 1e\nj: +x\nl: 3+4\n',
      'a: nULL\nb: tRUE\nc: Nul\nd: truex\ne: f\nf: n\ng: ~x\n',
      'a: x # c\nb: x#y\nc: a:b\nd: https://x/y?z=1#frag\ne: [https://x, "b", \'c\']\n',
      "a: 'it''s'\nb: \"q\\\"\\\\\"\nc: '#'\nd: \"a: b\"\n",
      'a:\n- 1\n- 2\nb:\n  - x: 1\n    y: [a, b]\n  - {p: 1, q: two}\n  -   z: 3\n',
      '  a: 1\n  b:\n      c: 2\n',
      '# head\n\na: # comment\n  # inside\n  b: 1 # trail\n\n# tail\n',
      'a: []\nb: {}\nc: [ a , b ]\nd: { k: v }\ne: [a b, c d]\n',
      '__proto__: {polluted: true}\nconstructor: 1\n',
      'k-1.x/y+$: v\n',
      'a:   \n  b: 1\n',
    ];
    for (const t of taken) expect(await agree(t), JSON.stringify(t)).toBe(true);
    const leftToFull = [
      '',
      '# only a comment\n',
      'a: 1\r\nb: 2\r\n',
      'a:\tb\n',
      'a: é\n',
      '%YAML 1.1\n---\na: yes\n',
      '---\na: 1\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: >\n  text\n',
      'a: multi\n  line\n',
      'a:\n',
      'a:\nb: 1\n',
      '- 1\n',
      'a: 1\na: 2\n',
      '1: x\n',
      'true: x\n',
      '"a": 1\n',
      'a: [1, [2]]\n',
      'a: [1,\n  2]\n',
      'a: [1, 2,]\n',
      'a: {b}\n',
      'a: {b:c}\n',
      'a: b: c\n',
      'a: "\\n"\n',
      "a: 'open\n",
      '<<: {a: 1}\n',
      '? a\n: b\n',
      'a:\n  - b\n c: 1\n',
      'x\n',
    ];
    for (const t of leftToFull) expect(parseSimpleYaml(t), JSON.stringify(t)).toBeUndefined();
  });

  // Random documents in and around the subset, in random styles.
  const plainWords = fc.constantFrom('a', 'ok', 'ASL-3', 'CBRN-3', 'ruled_out', '2026-11-15', '1', '0', '-0', '1.5', '1.10', '1e3', '.5', '0x1F', '0o7', 'true', 'False', 'null', '~', 'yes', 'https://x.org/a#b', 'a b', 'a:b', 'x#y', 'US AISI', '.inf', '.NaN', '+3');
  const scalarText = fc.oneof(
    plainWords,
    plainWords.map((w) => `'${w.replace(/'/g, "''")}'`),
    plainWords.map((w) => `"${w}"`),
    fc.constantFrom("'it''s'", '"q\\"q"', '"b\\\\s"', "''", '""'),
  );
  const keyText = fc.oneof(
    { arbitrary: fc.constantFrom('id', 'status', 'a', 'b', 'x_y', 'k-1', '__proto__', 'constructor', 'AI-RD-4', 'release_date', 'n1'), weight: 30 },
    { arbitrary: fc.constantFrom('1', 'true', 'null', 'a b', '"q"', '1e3'), weight: 1 },
  );
  type Tree = { t: 'scalar'; s: string } | { t: 'map'; entries: [string, Tree][] } | { t: 'seq'; items: Tree[] };
  const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ t: fc.constant('scalar' as const), s: scalarText }),
      fc.record({ t: fc.constant('map' as const), entries: fc.uniqueArray(fc.tuple(keyText, tie('tree')), { minLength: 1, maxLength: 4, selector: ([k]) => k }) }),
      fc.record({ t: fc.constant('seq' as const), items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    ),
  })).tree;
  interface Style {
    step: number;
    flow: boolean;
    seqAtKeyIndent: boolean;
    dashGap: number;
    comments: boolean;
    spaceAfterColon: number;
  }
  const style: fc.Arbitrary<Style> = fc.record({ step: fc.integer({ min: 1, max: 4 }), flow: fc.boolean(), seqAtKeyIndent: fc.boolean(), dashGap: fc.integer({ min: 1, max: 3 }), comments: fc.boolean(), spaceAfterColon: fc.integer({ min: 1, max: 2 }) });

  function render(root: Tree, s: Style): string {
    const sp = (n: number) => ' '.repeat(n);
    const flowOf = (n: Tree): string | undefined => {
      if (n.t === 'scalar') return n.s;
      if (!s.flow) return undefined;
      const parts = n.t === 'map' ? n.entries.map(([k, v]) => (v.t === 'scalar' ? `${k}: ${v.s}` : undefined)) : n.items.map((v) => (v.t === 'scalar' ? v.s : undefined));
      if (parts.some((p) => p === undefined)) return undefined;
      return n.t === 'map' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
    };
    const out: string[] = [];
    const comment = (line: string) => (s.comments ? `${line} # note` : line);
    // Write node `n` whose first line continues `prefix` (already indented); nested lines at `indent`.
    const block = (n: Tree, indent: number, prefix: string): void => {
      if (n.t === 'map') {
        n.entries.forEach(([k, v], i) => {
          const head = i === 0 ? prefix : sp(indent);
          const inline = flowOf(v);
          if (inline !== undefined) out.push(comment(`${head}${k}:${sp(s.spaceAfterColon)}${inline}`));
          else {
            out.push(`${head}${k}:`);
            if (s.comments) out.push(`${sp(indent + 1)}# between`);
            const childIndent = v.t === 'seq' && s.seqAtKeyIndent ? indent : indent + s.step;
            block(v, childIndent, sp(childIndent));
          }
        });
      } else if (n.t === 'seq') {
        n.items.forEach((v, i) => {
          const head = `${i === 0 ? prefix : sp(indent)}-${sp(s.dashGap)}`;
          const inline = flowOf(v);
          if (inline !== undefined) out.push(comment(`${head}${inline}`));
          else if (v.t === 'map') block(v, indent + 1 + s.dashGap, head);
          else {
            out.push(`${head.trimEnd()}`);
            block(v, indent + s.step, sp(indent + s.step));
          }
        });
      } else out.push(comment(`${prefix}${n.s}`));
    };
    block(root, 0, '');
    return `${out.join('\n')}\n`;
  }

  it('resolves number-like scalars as the core schema does (the reader reads decimals without regexes)', async () => {
    const numberish = fc.stringMatching(/^[-+.eE0-9xoa-fAinfINFN]{1,8}$/);
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(numberish, fc.boolean(), async (s, inFlow) => {
        if (await agree(inFlow ? `v: [${s}]\n` : `v: ${s}\n`)) taken++;
      }),
      { numRuns: 2000 },
    );
    for (const s of ['0', '-0', '+7', '007', '1.', '.5', '-.5e-3', '1e5', '1E+05', '1.2.3', '1e', 'e1', '.', '-', '+.', '1_000', '0x1F', '0o17', '.inf', '-.Inf']) {
      await agree(`v: ${s}\n`);
      await agree(`v: [${s}]\n`);
    }
    expect(taken).toBeGreaterThan(1000);
  });

  it('agrees on generated documents in many styles', async () => {
    let taken = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ t: fc.constant('map' as const), entries: fc.uniqueArray(fc.tuple(keyText, tree), { minLength: 1, maxLength: 5, selector: ([k]) => k }) }), style, async (root, s) => {
        runs++;
        const text = render(root, s);
        if (await agree(text)) taken++;

      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
    // The generator must mostly stay inside the subset, or this test would prove little.
    expect(taken / runs).toBeGreaterThan(0.3);
  });

  it('agrees on mutated documents', async () => {
    const TOKENS = [' ', '  ', '\n', '- ', ': ', ':', '#', ' #', ',', '[', ']', '{', '}', "'", '"', '\\', '-', '?', '&a ', '*a', '!', '|', '>', '%', '@', '---', '...', '0', '.', 'e', 'x'];
    const seeds = yamlFilesUnder(join(ROOT, 'examples')).map((f) => readFileSync(f, 'utf8'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...TOKENS), fc.constant(''))), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 })), { maxLength: 2 }),
        async (seed, inserts, deletes) => {
          let text = seed;
          for (const [at, len] of deletes) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + text.slice(p + len);
          }
          for (const [at, tok] of inserts) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + tok + text.slice(p);
          }
          await agree(text);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500) },
    );
  });
});
