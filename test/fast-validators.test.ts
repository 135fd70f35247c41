// The validators generated from the zod schemas (src/schemas/fast.generated.ts) are a fast path:
// whenever one accepts a value, zod must accept it too and return the same value, key order
// included. Checked on the real files, on hand-picked edge cases, and on values generated from
// the schemas' own definitions, valid and mutated. And the fast path must actually be taken: the
// examples and every valid generated value go through it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { isIsoDate } from '../src/dates.js';
import { defOf, renderFastValidators } from '../src/schemas/fast-codegen.js';
import { text, UNSURE } from '../src/schemas/fast-runtime.js';
import { FAST } from '../src/schemas/fast.generated.js';
import { SCHEMAS } from '../src/schemas/index.js';
import { FAST as FAST_SETTINGS } from '../action/settings.generated.js';
import { settingsSchema } from '../action/settings-schema.js';
import { FILE_KINDS, validate, type FileKind } from '../src/schemas/validate.js';
import { parseYaml } from '../src/yaml/safe-yaml.js';
import { ROOT } from './helpers/repo.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** The value as text that shows key order, undefined and -0, for exact comparison. */
function canon(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${Array.from({ length: v.length }, (_, i) => (i in v ? canon(v[i]) : 'hole')).join(',')}]`;
  const proto = Object.getPrototypeOf(v) === null ? 'null-proto' : '';
  return `${proto}{${Object.keys(v)
    .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

type Kind = FileKind | 'settings';
const fastOf = (kind: Kind) => (kind === 'settings' ? FAST_SETTINGS.settings : FAST[kind]);
const schemaOf = (kind: Kind) => (kind === 'settings' ? settingsSchema : SCHEMAS[kind]);
const KINDS: Kind[] = [...FILE_KINDS, 'settings'];

/** The contract for one value; returns whether the fast path took it. */
function agree(kind: Kind, value: unknown): boolean {
  const fast = fastOf(kind)(value);
  if (fast === UNSURE) return false;
  const slow = schemaOf(kind).safeParse(value);
  if (!slow.success) throw new Error(`the fast ${kind} validator accepted what zod refuses: ${canon(value)}\n${JSON.stringify(slow.error.issues)}`);
  expect(canon(fast), canon(value)).toBe(canon(slow.data));
  return true;
}


/** Junk of every JavaScript kind a YAML reader can produce, and a few it cannot. */
const junk = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, NaN, Infinity, -Infinity, 1e21, 2 ** 53),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('', '\ud800', '😀', '2026-02-30', '2026-13-01', '2024-02-29', 'ASL-3'),
  fc.constant([]),
  fc.constant({}),
  fc.constant(Object.create(null) as object),
  fc.constant(JSON.parse('{"__proto__": "x"}') as object),
);

/** Values built from a zod schema's definition: valid ones, or (when `mutate`) sometimes not. */
function arb(schema: unknown, mutate: boolean): fc.Arbitrary<unknown> {
  const d = defOf(schema);
  const or = (valid: fc.Arbitrary<unknown>) => (mutate ? fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: junk }) : valid);
  const checks = (d.checks ?? []).map((c) => c._zod.def);
  switch (d.type) {
    case 'string': {
      const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum!));
      const max = Math.min(12, ...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum!));
      const pattern = checks.find((c) => c.check === 'string_format')?.pattern;
      if (pattern && !pattern.test('2026-01-01')) {
        const matching = fc.stringMatching(pattern);
        return or(mutate ? fc.oneof(matching, fc.string({ maxLength: 8 }), fc.constantFrom('a/b c', '/x', 'x/', 'a/b/c')) : matching);
      }
      if (pattern || checks.some((c) => c.check === 'custom')) {
        const date = fc.tuple(fc.integer({ min: 1999, max: 2031 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, dd]) => `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`);
        return or(mutate ? fc.oneof(date, fc.constantFrom('2026-1-01', ' 2026-01-01', '2026-01-01T00:00')) : date.filter(isIsoDate));
      }
      // Code points: astral characters count as one, as zod counts them.
      const s = fc.string({ unit: mutate ? 'binary' : 'grapheme', minLength: min, maxLength: Math.max(min, max) });
      return or(mutate ? fc.oneof(s, fc.constantFrom('', 'x'.repeat(201), '😀'.repeat(150), 'é'.repeat(200))) : s.filter((x) => [...x].length >= min && [...x].length <= (max === 12 ? Infinity : max)));
    }
    case 'number': {
      // Within the schema's bounds when valid; around them when mutated.
      const lo = checks.find((c) => c.check === 'greater_than');
      const hi = checks.find((c) => c.check === 'less_than');
      const min = lo ? lo.value! + (lo.inclusive ? 0 : d.format === 'safeint' ? 1 : 0.001) : -50;
      const max = hi ? hi.value! - (hi.inclusive ? 0 : d.format === 'safeint' ? 1 : 0.001) : 500;
      const spread = mutate ? 2 : 0;
      const ints = fc.integer({ min: Math.ceil(min) - spread, max: Math.floor(max) + spread });
      return or(d.format === 'safeint' ? ints : fc.oneof(ints, fc.double({ min: min - spread, max: max + spread, noNaN: true })));
    }
    case 'boolean':
      return or(fc.boolean());
    case 'unknown':
      return fc.oneof(fc.jsonValue(), junk);
    case 'enum':
      return or(fc.constantFrom(...Object.values(d.entries!)));
    case 'optional':
      return fc.option(arb(d.innerType, mutate), { nil: undefined });
    case 'nullable':
      return fc.option(arb(d.innerType, mutate), { nil: null });
    case 'array':
      return or(fc.array(arb(d.element, mutate), { minLength: mutate ? 0 : Math.max(0, ...checks.map((c) => c.minimum ?? 0)), maxLength: 3 }));
    case 'record':
      return or(fc.dictionary(fc.string({ maxLength: 6 }), arb(d.valueType, mutate), { maxKeys: 3 }));
    case 'object': {
      const shape = d.shape!;
      const required = Object.keys(shape).filter((k) => defOf(shape[k]).type !== 'optional');
      const fields = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, defOf(s).type === 'optional' ? arb(defOf(s).innerType, mutate) : arb(s, mutate)]));
      let obj: fc.Arbitrary<unknown> = fc.record(fields, { requiredKeys: mutate ? [] : required });
      if (mutate) {
        // Extra keys, shuffled key order, a null prototype, an own __proto__.
        obj = fc.tuple(obj, fc.option(fc.constantFrom('extra', '__proto__', 'toString', 'constructor')), fc.boolean(), fc.boolean()).map(([o, extra, nullProto, reverse]) => {
          const entries = Object.entries(o as object);
          if (reverse) entries.reverse();
          const out = nullProto ? (Object.create(null) as Record<string, unknown>) : ({} as Record<string, unknown>);
          for (const [k, v] of entries) out[k] = v;
          if (extra) Object.defineProperty(out, extra, { value: 1, enumerable: true, writable: true, configurable: true });
          return out;
        });
      }
      return or(obj);
    }
    default:
      throw new Error(`test arbitrary: unknown zod type ${d.type}`);
  }
}

/**
 * A valid value with exactly one thing changed at a random node: replaced by junk, or (for a
 * mapping) a key added, removed, or its prototype or key order changed. Valid everywhere else,
 * so the one change is what the validator has to catch.
 */
function oneChange(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), fc.nat(5), junk, fc.constantFrom('extra', '__proto__', 'toString', 'constructor', 'hasOwnProperty')).map(([v, at, how, replacement, extra]) => {
    const root = { v: structuredClone(v) } as Record<string, unknown>;
    const slots: Array<[Record<string | number, unknown>, string | number]> = [];
    const walk = (parent: Record<string | number, unknown>, key: string | number) => {
      slots.push([parent, key]);
      const x = parent[key];
      if (x && typeof x === 'object') for (const k of Object.keys(x)) walk(x as Record<string, unknown>, Array.isArray(x) ? Number(k) : k);
    };
    walk(root, 'v');
    const [parent, key] = slots[at % slots.length]!;
    const node = parent[key];
    const isMap = node !== null && typeof node === 'object' && !Array.isArray(node);
    if (!isMap || how === 0) parent[key] = replacement;
    else if (how === 1) Object.defineProperty(node, extra, { value: 'x', enumerable: true, writable: true, configurable: true });
    else if (how === 2) delete (node as Record<string, unknown>)[Object.keys(node)[at % Math.max(1, Object.keys(node).length)]!];
    else if (how === 3) parent[key] = Object.assign(Object.create(null), node);
    else if (how === 4) parent[key] = Object.fromEntries(Object.entries(node).reverse());
    else Object.defineProperty(node, extra, { value: 'x', enumerable: false, writable: true, configurable: true });
    return root.v;
  });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((n) => n.endsWith('.yml'))
    .map((n) => join(dir, n));
}

const kindOf = (file: string): FileKind | undefined =>
  file.endsWith('/asl.yml') ? 'declaration' : file.includes('/assessments/') ? 'assessment' : file.endsWith('.github/asl-gate.yml') ? 'config' : file.includes('/packs/') ? 'pack' : undefined;

describe('generated validators', () => {
  it('cover every file kind', () => {
    expect(Object.keys(FAST).sort()).toEqual([...FILE_KINDS].sort());
    expect(Object.keys(SCHEMAS).sort()).toEqual([...FILE_KINDS].sort());
  });

  it('take every example file, and agree with zod on it', async () => {
    const files = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'packs')), join(ROOT, 'examples/.github/asl-gate.yml')];
    let taken = 0;
    for (const file of files) {
      const kind = kindOf(file);
      if (!kind) continue;
      const parsed = await parseYaml(readFileSync(file, 'utf8'), file);
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      expect(agree(kind, parsed.parsed.value), file).toBe(true);
      taken++;
    }
    expect(taken).toBeGreaterThanOrEqual(18);
  });

  it.each(KINDS)('%s: every valid value takes the fast path, with zod’s result (property)', (kind) => {
    fc.assert(
      fc.property(arb(schemaOf(kind), false), (value) => {
        expect(schemaOf(kind).safeParse(value).success).toBe(true);
        expect(agree(kind, value)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(KINDS)('%s: never accepts what zod refuses, on values with one thing changed (property)', (kind) => {
    let refused = 0;
    fc.assert(
      fc.property(oneChange(arb(schemaOf(kind), false)), (value) => {
        if (!agree(kind, value)) refused++;
      }),
      { numRuns: RUNS },
    );
    // The changes do reach the refusing branches.
    expect(refused).toBeGreaterThan(RUNS / 10);
  });

  it.each(KINDS)('%s: never accepts what zod refuses, on values with junk anywhere (property)', (kind) => {
    fc.assert(
      fc.property(arb(schemaOf(kind), true), (value) => {
        agree(kind, value);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the edge cases to zod, or agrees with it', () => {
    const decl = { model: 'm', policy: 'p', release_date: '2026-11-01', declared: { deployment: 'ASL-3' } };
    const cases: Array<[Kind, unknown]> = [
      ['declaration', decl],
      ['declaration', { ...decl, declared: JSON.parse('{"__proto__": "ASL-3"}') }],
      ['declaration', { ...decl, declared: Object.assign(Object.create(null), { deployment: 'ASL-3' }) }],
      ['declaration', { ...decl, declared: Object.defineProperty({}, 'hidden', { value: 'x', enumerable: false }) }],
      ['declaration', { ...decl, declared: { [Symbol('s')]: 'x' } }],
      ['declaration', { ...decl, snapshot: undefined }],
      ['declaration', { ...decl, model: '😀'.repeat(200) }],
      ['declaration', { ...decl, model: '😀'.repeat(201) }],
      ['declaration', { ...decl, model: '\ud800'.repeat(200) }],
      ['declaration', { ...decl, model: '\ud800'.repeat(201) }],
      ['declaration', { ...decl, release_date: '2026-02-29' }],
      ['declaration', { ...decl, release_date: '2028-02-29' }],
      ['declaration', { ...decl, effective_compute_since_last_comprehensive: 1 }],
      ['declaration', { ...decl, effective_compute_since_last_comprehensive: 0.999 }],
      ['declaration', { ...decl, effective_compute_since_last_comprehensive: Infinity }],
      ['declaration', new (class Decl {})()],
      ['declaration', Object.assign(Object.create({ inherited: 1 }), decl)],
      ['settings', { token: '', config: 'c', now: undefined, eventName: 'push', eventPath: '/e', repository: 'o/r', workspace: '/w', runnerTemp: '/t' }],
      ['settings', { token: 't', config: 'c', now: '2026-02-30', eventName: 'push', eventPath: '/e', repository: 'o/r', workspace: '/w', runnerTemp: '/t' }],
      ['settings', { token: 't', config: 'c', eventName: 'push', eventPath: '/e', repository: 'o/r ', workspace: '/w', runnerTemp: '/t', extra: 1 }],
      ['config', { grace_days: 365 }],
      ['config', { grace_days: 366 }],
      ['config', { grace_days: 1.5 }],
      ['config', { grace_days: -0 }],
      ['config', { releases: [] }],
      ['config', { rso: { users: [] } }],
      ['assessment', { id: 'a', kind: 'comprehensive', thresholds: [], due: '2026-01-01', completed: null, result: null }],
      ['assessment', { id: 'a', kind: 'comprehensive', thresholds: [], due: '2026-01-01', evals: [{ x: { y: [1, undefined] } }] }],
    ];
    let taken = 0;
    for (const [kind, value] of cases) if (agree(kind, value)) taken++;
    expect(taken).toBeGreaterThan(10);
  });

  it('counts lengths in code points, as zod does', () => {
    const cases: Array<[string, number, number, boolean]> = [
      ['😀😀', 3, 10, false],
      ['😀😀😀', 3, 10, true],
      ['😀😀', 1, 2, true],
      ['😀😀😀', 1, 2, false],
      ['\ud800\ud800', 2, 2, true],
      ['abc', 4, 10, false],
      ['', 0, 0, true],
    ];
    for (const [s, min, max, ok] of cases) {
      expect(text(s, min, max), `${JSON.stringify(s)} in [${min}, ${max}]`).toBe(ok);
      expect(z.string().check(z.minLength(min), z.maxLength(max)).safeParse(s).success).toBe(ok);
    }
  });

  it('an enumerable key on Object.prototype (zod would see it) sends every mapping to zod', () => {
    const decl = { model: 'm', policy: 'p', release_date: '2026-11-01', declared: { deployment: 'ASL-3' } };
    expect(agree('declaration', decl)).toBe(true);
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      expect(FAST.declaration(decl)).toBe(UNSURE);
      expect(SCHEMAS.declaration.safeParse(decl).success).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect(agree('declaration', decl)).toBe(true);
  });

  it('validate() reports through zod what the fast path leaves, at the node', async () => {
    const parsed = await parseYaml('model: m\npolicy: p\nrelease_date: 2026-02-30\ndeclared: {}\nextra: 1\n', 'r/asl.yml');
    if (!parsed.ok) throw new Error('parse');
    const v = await validate('declaration', parsed.parsed);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.findings.map((f) => [f.line, f.message])).toEqual([
      [3, 'release_date: expected a real calendar date'],
      [5, 'unknown key "extra" in declaration'],
    ]);
  });

  it('the generator refuses what it does not know, rather than skipping a check', () => {
    const gen = (s: z.ZodMiniType) => renderFastValidators({ s }, { source: 'src/x.ts', refinements: [] });
    expect(() => gen(z.string().check(z.email()))).toThrow(/string check string_format \(email\)/);
    expect(() => gen(z.union([z.string(), z.number()]))).toThrow(/zod type union/);
    expect(() => gen(z.string().check(z.refine(isIsoDate)))).toThrow(/refinement by isIsoDate/);
    expect(() => gen(z.record(z.enum(['a']), z.string()))).toThrow(/record key other than a plain string/);
    expect(() => gen(z.looseObject({ a: z.string() }))).toThrow(/catchall other than never/);
    expect(gen(z.object({ a: z.string() }))).toContain("{ t: 'o', k: [\"a\"]");
  });
});
