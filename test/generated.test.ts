import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderActionGenerated } from '../action/generated.js';
import { renderGenerated } from '../src/generated.js';
import { ROOT } from './helpers/repo.js';

describe('generated files', () => {
  it('schema/*.json, the embedded packs and the generated validators are fresh (run `npm run generate`)', async () => {
    for (const [path, text] of Object.entries({ ...(await renderGenerated(ROOT)), ...renderActionGenerated() })) {
      expect(readFileSync(join(ROOT, path), 'utf8'), `${path} is stale: run npm run generate`).toBe(text);
    }
  });
});
