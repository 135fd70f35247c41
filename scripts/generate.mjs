// Regenerates the committed generated files from their sources (run: npm run generate).
// Tests fail when these are stale, so an editor's schema never drifts from the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderGenerated } from '../lib/src/load/schemas/generated.js';

const files = await renderGenerated(new URL('..', import.meta.url).pathname);
for (const [path, text] of Object.entries(files)) {
  mkdirSync(new URL('.', new URL(`../${path}`, import.meta.url)), { recursive: true });
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
