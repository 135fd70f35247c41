// action.yml says what the Action reads and writes: every input it declares is read, every input
// read is declared, and every output set is declared (a workflow can only use what is declared).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo.js';

const manifest = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
const sources = readdirSync(join(ROOT, 'action'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(ROOT, 'action', f), 'utf8'))
  .join('\n');
const named = (re: RegExp) => [...new Set([...sources.matchAll(re)].map((m) => m[1]))].sort();

describe('action.yml', () => {
  it('declares exactly the inputs the Action reads', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual(named(/(?:getInput|booleanInput)\('([a-z-]+)'/g));
  });

  it('declares every output the Action sets', () => {
    expect(Object.keys(manifest.outputs).sort()).toEqual(named(/setOutput\('([a-z-]+)'/g));
  });
});
