import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new temporary folder, removed after the test file (test/setup.ts) or when the process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `asl-gate-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Remove every folder tempDir made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// The benches and the demo use these helpers from lib/ outside vitest: clean up there too.
process.on('exit', removeTempDirs);
