// Bundles: the Action (dist/, committed), and the CLI and the engine (lib/, built by `npm run build`).
// Rolldown rather than ncc: it tree-shakes ESM, so @actions/core's unused OIDC client and its whole
// HTTP stack stay out of the Action, and a build takes about a second instead of ten.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'rolldown';

const shared = {
  platform: 'node',
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  // Dependencies are imported for what they export, not for side effects: let unused parts go.
  treeshake: { moduleSideEffects: (id) => !id.includes('/node_modules/') },
};

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
          return {
            name: pkg.name,
            version: pkg.version,
            license: pkg.license ?? 'UNKNOWN',
            text: file ? readFileSync(join(root, file), 'utf8').trim() : '',
          };
        })
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const source = entries.map((e) => `${e.name}@${e.version}\n${e.license}\n${e.text}`).join('\n\n---\n\n');
      this.emitFile({ type: 'asset', fileName: 'licenses.txt', source: `${source}\n` });
    },
  };
}

export default defineConfig([
  // The Action: one ES module, as action.yml runs it.
  {
    ...shared,
    plugins: [licenses()],
    input: 'action/index.ts',
    output: { dir: 'dist', format: 'esm', minify: true, entryFileNames: 'index.js', codeSplitting: false },
  },
  // The CLI; `protect` and `schema` load their parts (Octokit, JSON Schema) as chunks when run.
  {
    ...shared,
    input: 'cli/index.ts',
    output: {
      dir: 'lib/cli',
      format: 'esm',
      minify: true,
      entryFileNames: 'index.js',
      chunkFileNames: '[name]-[hash].js',
    },
  },
  // The App's judging worker, over tsc's lib/bot/gate-worker.js: each worker is its own isolate,
  // and as one file it holds only the parts of yaml, zod and the engine it runs (23 MB resident
  // instead of 35, measured on Node 24). The App's main thread runs from tsc's output.
  {
    ...shared,
    input: 'bot/gate-worker.ts',
    output: { dir: 'lib/bot', format: 'esm', entryFileNames: 'gate-worker.js', codeSplitting: false },
  },
  // The engine as a library (what the CLI and the Action run), for embedding and benchmarks.
  {
    ...shared,
    input: 'src/index.ts',
    output: { dir: 'lib/engine', format: 'esm', entryFileNames: 'index.js', chunkFileNames: '[name]-[hash].js' },
  },
]);
