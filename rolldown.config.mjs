// Bundles: the Action (dist/, committed), and the CLI and the engine (lib/, built by `npm run build`).
// Rolldown rather than ncc: it tree-shakes ESM, so @actions/core's unused OIDC client and its whole
// HTTP stack stay out of the Action (a pull request run loads 56 KiB of it; ncc's bundle was 763 KB,
// about 100 ms more at every start), and a build takes about a second instead of ten.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { eagerFunctions } from './scripts/eager-functions.mjs';

const shared = {
  platform: 'node',
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  // Dependencies are imported for what they export, not for side effects: let unused parts go.
  treeshake: { moduleSideEffects: (id) => !id.includes('/node_modules/') },
  plugins: [yamlWithoutDebugSwitches(), builtinsWithoutEsmFacades()],
};

/**
 * `import … from 'node:fs'` makes Node build an ES-module view of the builtin, which reads every
 * export, lazy getters included: `fs` alone then loads fs/promises and the stream classes, about
 * 8 ms of a 40 ms start. `process.getBuiltinModule` hands over the module object instead.
 * This rewrites each builtin import of a finished chunk into that call, at the same place (the top
 * of the chunk, where imports run), and fails the build if one is left behind. A namespace or
 * default import (`import * as crypto from 'crypto'`, used only as `crypto.x`) gets an object that
 * loads the module at its first use: node:crypto alone is 5 ms, and most runs never call it.
 */
function builtinsWithoutEsmFacades() {
  const builtin = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const expr = (source) => `process.getBuiltinModule(${JSON.stringify(source)})`;
  // os.EOL is all @actions/core wants of node:os, at every annotation: answer it as node:os
  // defines it rather than load the module (half a percent of a run) for one constant.
  const known = { os: `k==='EOL'?(process.platform==='win32'?'\\r\\n':'\\n'):` };
  const lazy = (source) => `new Proxy({},{get:(_,k)=>${known[source.replace(/^node:/, '')] ?? ''}${expr(source)}[k]})`;
  return {
    name: 'builtins-without-esm-facades',
    renderChunk(code) {
      const edits = [];
      for (const node of parseAst(code).body) {
        if (node.type !== 'ImportDeclaration' || !builtin.has(node.source.value)) continue;
        const source = node.source.value;
        const named = [];
        const whole = [];
        for (const s of node.specifiers) {
          if (s.type === 'ImportSpecifier') named.push(`${s.imported.type === 'Identifier' ? s.imported.name : JSON.stringify(s.imported.value)}:${s.local.name}`);
          else whole.push(s.local.name); // default or namespace: the module object itself
        }
        const decls = [...whole.map((local) => `${local}=${lazy(source)}`), ...(named.length ? [`{${named.join(',')}}=${expr(source)}`] : [])];
        edits.push({ start: node.start, end: node.end, text: decls.length ? `const ${decls.join(',')};` : '' });
      }
      if (edits.length === 0) return null;
      let out = code;
      for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
      for (const node of parseAst(out).body) {
        if ((node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportNamedDeclaration') && builtin.has(node.source?.value)) {
          throw new Error(`builtins-without-esm-facades: ${node.source.value} is still imported as a module`);
        }
      }
      return { code: out, map: null };
    },
  };
}

/**
 * yaml checks two debug switches (LOG_TOKENS, LOG_STREAM) in process.env for every token it reads.
 * A process.env lookup is a call into the C++ environment; these two were a third of all YAML
 * parsing time. The bundles compile them out.
 */
function yamlWithoutDebugSwitches() {
  return {
    name: 'yaml-without-debug-switches',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]yaml[\\/]/.test(id) || !code.includes('node_process.env.LOG_')) return null;
      return { code: code.replace(/node_process\.env\.LOG_(TOKENS|STREAM)/g, 'undefined'), map: null };
    },
  };
}

/**
 * The first line of the CLI bundle names its build (a hash of its code), and the code cache is
 * keyed by it: V8 checks a cache only against the source's length, and npm installs every file
 * with the same modification time, so an upgrade could otherwise meet the old version's cache.
 */
function buildStamp() {
  return {
    name: 'build-stamp',
    // After minifying, which would drop the comment.
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) chunk.code = `// asl-gate build ${createHash('sha256').update(chunk.code).digest('hex').slice(0, 32)}\n${chunk.code}`;
      }
    },
  };
}

/**
 * Rolldown has the entry import its runtime helpers (`__commonJS` and friends, and a `require`
 * made with node:module) for order's sake even when the entry uses none of them, which costs
 * every start a module load and node:module. The chunks that do use them import them anyway, so
 * a bare import of the runtime chunk from an entry is dropped here; one with bindings is kept.
 */
function entryWithoutUnusedRuntime() {
  return {
    name: 'entry-without-unused-runtime',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        for (const file of chunk.imports.filter((f) => /^rolldown-runtime-/.test(f))) {
          const bare = `import"./${file}";`;
          const without = chunk.code.replace(bare, '');
          if (without === chunk.code || without.includes(file)) continue;
          chunk.code = without;
          chunk.imports = chunk.imports.filter((f) => f !== file);
        }
      }
    },
  };
}

/**
 * V8 compiles a function lazily: it pre-parses its text when the file loads, then parses it again,
 * fully, at the first call. Nearly all of the Action's entry runs on every pull request, so that
 * first pass is wasted work (5 M of a run's 172 M instructions, when measured). V8 skips it for a
 * function written in parentheses (the shape of an immediately called one) and compiles it with
 * the code around it. Applied after minifying (which would drop the parentheses):
 * - a top-level `function f(…){…}` becomes `f=(function f(…){…})` in one `var` at the top of the
 *   chunk, where it is assigned before any other statement runs, as a declaration is hoisted;
 * - every other function or arrow expression is wrapped in parentheses, except methods, getters
 *   and setters, which V8 compiles lazily whatever their shape.
 */
function eagerlyCompiledEntry() {
  return {
    name: 'eagerly-compiled-entry',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) chunk.code = eagerFunctions(chunk.code);
      }
    },
  };
}

/**
 * dist/ is shipped code that contains other people's packages: emit their licence texts beside it
 * (MIT and friends ask for the notice to travel with the code).
 */
function licenses() {
  return {
    name: 'licenses',
    generateBundle(_options, bundle) {
      const roots = new Map();
      for (const chunk of Object.values(bundle)) {
        for (const id of Object.keys(chunk.modules ?? {})) {
          const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
          if (m && !roots.has(m[1])) roots.set(m[1], true);
        }
      }
      const entries = [...roots.keys()]
        .map((root) => {
          const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
          const file = existsSync(root) ? readdirSync(root).find((f) => /^(licen[cs]e|copying)/i.test(f)) : undefined;
          return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'UNKNOWN', text: file ? readFileSync(join(root, file), 'utf8').trim() : '' };
        })
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const source = entries.map((e) => `${e.name}@${e.version}\n${e.license}\n${e.text}`).join('\n\n---\n\n');
      this.emitFile({ type: 'asset', fileName: 'licenses.txt', source: `${source}\n` });
    },
  };
}

// The CLI is an ES-module entry that loads its CommonJS bundle through src/code-cache.ts (a V8
// code cache kept beside it: see there why). The bundle is one file, its rare parts (the YAML
// package, `schema`, `protect`) evaluated only when first used: code in a chunk would miss the
// cache, and a chunk that required the bundle back would load a second copy of it.
const cliEntry = { ...shared, input: 'src/cli/index.ts', output: { dir: 'lib/cli', format: 'esm', minify: true, entryFileNames: 'index.js' } };
const cliProgram = {
  ...shared,
  plugins: [...shared.plugins, buildStamp()],
  input: 'src/cli/process.ts',
  output: { dir: 'lib/cli', format: 'cjs', minify: true, entryFileNames: 'process.cjs', codeSplitting: false },
};

export default defineConfig([
  // The Action: an ES-module entry and chunks for what a run loads on demand (@actions/github,
  // half a megabyte, only behind a proxy; the YAML package, only for YAML outside the plain subset).
  {
    ...shared,
    plugins: [...shared.plugins, licenses(), entryWithoutUnusedRuntime(), eagerlyCompiledEntry()],
    input: 'action/index.ts',
    // The entry exports nothing anyone imports; chunks may share its code.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist',
      format: 'esm',
      minify: true,
      // V8 holds an ASCII source in one byte a character rather than two.
      charset: 'ascii',
      entryFileNames: 'index.js',
      chunkFileNames: '[name]-[hash].js',
      // zod and the schemas built with it, in one chunk: loaded only when a file or a setting is
      // not accepted by the validators generated from them (src/schemas/fast-codegen.ts).
      codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]|[\\/]src[\\/]schemas[\\/]index\.ts$|[\\/]action[\\/]settings-schema\.ts$/ }] },
    },
  },
  cliEntry,
  cliProgram,
  // The engine as a library (what the CLI and the Action run), for embedding and benchmarks.
  { ...shared, input: 'src/index.ts', output: { dir: 'lib/engine', format: 'esm', entryFileNames: 'index.js', chunkFileNames: '[name]-[hash].js' } },
]);
