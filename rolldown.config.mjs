// Bundles: the Action (dist/, committed), and the CLI and the engine (lib/, built by `npm run build`).
// Rolldown rather than ncc: it tree-shakes ESM, so @actions/core's unused OIDC client and its whole
// HTTP stack stay out of the Action (a 187 KB entry instead of 763 KB, about 100 ms less at every
// start), and a build takes about a second instead of ten.
import { defineConfig } from 'rolldown';

const shared = {
  platform: 'node',
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  // Dependencies are imported for what they export, not for side effects: let unused parts go.
  treeshake: { moduleSideEffects: (id) => !id.includes('/node_modules/') },
  plugins: [yamlWithoutDebugSwitches()],
};

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

export default defineConfig([
  { ...shared, input: 'action/index.ts', output: { dir: 'dist', format: 'esm', minify: true, entryFileNames: 'index.js', chunkFileNames: '[name]-[hash].js' } },
  { ...shared, input: 'src/cli/index.ts', output: { dir: 'lib/cli', format: 'esm', minify: true, entryFileNames: 'index.js', chunkFileNames: '[name]-[hash].js' } },
  // The engine as a library (what the CLI and the Action run), for embedding and benchmarks.
  { ...shared, input: 'src/index.ts', output: { dir: 'lib/engine', format: 'esm', entryFileNames: 'index.js', chunkFileNames: '[name]-[hash].js' } },
]);
