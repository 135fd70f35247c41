import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { JsonFinding, JsonReport } from './cli.js';
import { ROOT, writeRepo, type Files } from './repo.js';

const BIN = join(ROOT, 'bin/asl-gate.js');

/** `asl-gate check --format json` as a process (the built bin) on a repository made of `files`. */
export function checkProcess(
  files: Files,
  args: string[] = [],
  now = '2026-11-28',
): {
  code: number | null;
  stderr: string;
  report: JsonReport;
} {
  const root = writeRepo(files);
  const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', '--now', now, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  return {
    code: r.status,
    stderr: r.stderr,
    report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : { verdict: 'none', releases: [], findings: [] },
  };
}

/** The codes of a run's findings, sorted: the exact set a test expects, duplicates included. */
export function codesOf(findings: JsonFinding[]): string[] {
  return findings.map((f) => f.code).sort();
}
