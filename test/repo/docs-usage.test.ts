// The command listings in README.md and docs/cli.md are the CLI's own: one line per command, its
// synopsis exactly as `asl-gate help COMMAND` prints it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/main.js';
import { ROOT } from '../helpers/repo.js';

const USAGE = [...COMMANDS.map((c) => `asl-gate ${c.synopsis}`), 'asl-gate help [COMMAND]', 'asl-gate --version'];

/** The first fenced block of `doc` that starts with `asl-gate check`, as lines. */
function listing(doc: string): string[] {
  const block = /^```text\n(asl-gate check[\s\S]*?)^```/m.exec(readFileSync(join(ROOT, doc), 'utf8'));
  return block ? block[1].trimEnd().split('\n') : [];
}

describe('command listings', () => {
  it.each(['README.md', 'docs/cli.md'])('%s lists every command as the CLI does', (doc) => {
    expect(listing(doc)).toEqual(USAGE);
  });

  it('docs/README.md names every command cli.md covers', () => {
    const row = readFileSync(join(ROOT, 'docs/README.md'), 'utf8')
      .split('\n')
      .find((l) => l.includes('(cli.md)'))!;
    for (const c of COMMANDS) expect(row, c.name).toContain(c.name);
  });
});
