// Runs the CLI in-process for tests (kept apart from repo.ts, which the benches use from lib/).
import { run } from '../../cli/main.js';
import { writeRepo, type Files } from './repo.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process, as `asl-gate ...args` in `cwd`. */
export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    env,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** The shape of `asl-gate check --format json` that the tests read. */
export interface JsonReport {
  verdict: string;
  releases: Array<Record<string, unknown>>;
  findings: JsonFinding[];
}

export interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** `asl-gate check --format json` on a repository made of `files`. */
export async function checkJson(
  files: Files,
  extra: string[] = [],
): Promise<{
  code: number;
  report: JsonReport;
  stderr: string;
}> {
  const root = writeRepo(files);
  const r = await cli(['check', '--format', 'json', '--now', '2026-11-28', ...extra], root);
  return {
    code: r.code,
    report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : { verdict: 'none', releases: [], findings: [] },
    stderr: r.stderr,
  };
}
