// The build step that puts the Action's entry in the shape V8 compiles eagerly
// (scripts/eager-functions.mjs): the rewritten code must behave exactly as the original.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without types
import { eagerFunctions } from '../scripts/eager-functions.mjs';

const rewrite = eagerFunctions as (code: string) => string;
const ROOT = join(import.meta.dirname, '..');

/** Every construct a bundle holds that the rewrite touches or must leave alone. */
const SAMPLE = `
const early = later(2);                       // a declaration is callable before its text
function later(n) { return n * 10; }
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
async function twice(p) { return (await p) * 2; }
function* gen() { yield 1; yield 2; }
const curry = (a) => (b) => (c) => a + b + c;
const withDefault = (f = (x) => x + 1) => f(1);
const obj = { m() { return 'm'; }, get g() { return 'g'; }, set s(v) { this._s = v; }, f: function () { return 'f'; }, a: () => 'a' };
class Base { constructor() { this.k = 'base'; } }
class C extends Base {
  field = () => this.k;
  static st() { return 'static'; }
  #priv() { return 'priv'; }
  get view() { return this.#priv(); }
  method(xs) { return xs.map((x) => x * 2).filter(function (x) { return x > 2; }); }
}
const tagged = ((s, ...v) => s.raw.join('|') + v.join(','))\`a\${1}b\${(() => 2)()}c\`;
const ctor = new function () { this.v = 'new'; }();
const iife = (function () { return 'iife'; })();
const objBody = () => ({ x: 1 });
const seq = (0, function () { return typeof this; })();
const named = function inner(n) { return n === 0 ? 'done' : inner(n - 1); };
export function exported() { return 'exported'; }
export default function () { return 'default'; }
export const results = async () => {
  const o = obj; o.s = 's';
  const c = new C();
  return {
    early, fact: fact(5), twice: await twice(Promise.resolve(21)), gen: [...gen()], curry: curry(1)(2)(3),
    withDefault: withDefault(), obj: [o.m(), o.g, o._s, o.f(), o.a()], field: c.field(), st: C.st(), view: c.view,
    method: c.method([1, 2, 3]), tagged, ctor: ctor.v, iife, objBody: objBody(), seq, named: named(3),
    names: [later.name, fact.name, twice.name, gen.name, exported.name, obj.m.name, C.name],
    lengths: [later.length, fact.length, twice.length],
  };
};
`;

async function load(code: string): Promise<Record<string, unknown>> {
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, unknown>;
}

describe('eager functions (build step of the Action bundle)', () => {
  it('behaves exactly as the code it rewrites', async () => {
    const before = await load(SAMPLE);
    const after = await load(rewrite(SAMPLE));
    const run = (m: Record<string, unknown>) => (m.results as () => Promise<unknown>)();
    expect(await run(after)).toEqual(await run(before));
    expect((after.exported as () => string)()).toBe('exported');
    expect((after.default as () => string)()).toBe('default');
  });

  it('hoists top-level declarations into one var and parenthesises function expressions, not methods', () => {
    const out = rewrite(SAMPLE);
    const program = parseAst(out);
    expect(program.body.filter((n) => n.type === 'FunctionDeclaration')).toEqual([]);
    expect(out.startsWith('var later=(function later(n)')).toBe(true);
    const unwrapped: string[] = [];
    const visit = (node: unknown, parent?: { type: string; method?: boolean; kind?: string }): void => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, parent));
      if (node === null || typeof node !== 'object') return;
      const n = node as { type: string; start: number; end: number };
      const method = parent && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && (parent.method || parent.kind !== 'init')));
      if ((n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') && !method && out[n.start - 1] !== '(') unwrapped.push(out.slice(n.start, n.start + 20));
      for (const [k, v] of Object.entries(n)) if (k !== 'start' && k !== 'end') visit(v, n as never);
    };
    visit(program.body);
    expect(unwrapped).toEqual([]);
    // Methods, getters and setters keep their shape (a parenthesis there would be a syntax error).
    expect(out).toContain('{ m() {');
    expect(out).toContain('get g() {');
  });

  it('refuses a chunk with imports, where a hoisted function could be called before it is set', () => {
    expect(() => rewrite(`import { x } from './x.js';\nfunction f() { return x; }`)).toThrow(/imports \.\/x\.js/);
    expect(() => rewrite(`export { x } from './x.js';`)).toThrow(/imports/);
  });

  it('is the shape of the committed Action entry', () => {
    const entry = readFileSync(join(ROOT, 'dist/index.js'), 'utf8');
    expect(parseAst(entry).body.filter((n) => n.type === 'FunctionDeclaration')).toEqual([]);
    expect(entry.startsWith('var ')).toBe(true);
    // And in ASCII (rolldown's charset), which V8 holds in one byte a character.
    expect(/[^\x00-\x7f]/.test(entry)).toBe(false);
  });
});
