import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGenerated } from '../../src/load/schemas/generated.js';
import { ROOT } from '../helpers/repo.js';

describe('generated files', () => {
  it('schema/*.json, and the embedded packs are fresh (run `npm run generate`)', async () => {
    for (const [path, text] of Object.entries(await renderGenerated(ROOT))) {
      expect(readFileSync(join(ROOT, path), 'utf8'), `${path} is stale: run npm run generate`).toBe(text);
    }
  });
});
