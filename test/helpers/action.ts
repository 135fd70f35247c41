import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, writeRepo, type Files } from './repo.js';
import { webhook } from './webhooks.js';
import { tempDir } from './temp.js';

export const DIST = join(ROOT, 'dist/index.js');

export interface Annotation {
  kind: string;
  props: Record<string, string>;
  message: string;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written. */
  rawOutput: string;
  summary: string;
  annotations: Annotation[];
}

/** The pull_request payload for PR #`number` with base and head SHAs. */
export function prEvent(opts: {
  number?: number;
  base: string;
  head: string;
  changedFiles?: number;
  action?: string;
}): Record<string, unknown> {
  const e = webhook('pull_request', opts.action ?? 'opened', {
    number: opts.number ?? 7,
    pull_request: {
      number: opts.number ?? 7,
      base: { sha: opts.base, ref: 'main' },
      head: { sha: opts.head, ref: 'release/nova' },
      changed_files: opts.changedFiles ?? 1,
    },
    repository: { name: 'models', full_name: 'lab/models', owner: { login: 'lab' } },
  });
  if (opts.changedFiles === undefined) delete (e.pull_request as Record<string, unknown>).changed_files;
  return e;
}

/** Run `node dist/index.js` as the runner would: env, event file, output and summary files. */
export async function runAction(opts: {
  workspace: Files;
  event: Record<string, unknown>;
  eventName?: string;
  apiUrl: string;
  inputs?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}): Promise<ActionRun> {
  const workspace = writeRepo(opts.workspace);
  const tmp = tempDir('runner');
  const eventPath = join(tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(opts.event));
  const outputPath = join(tmp, 'output');
  const summaryPath = join(tmp, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs = { token: 'ghs_test', config: '.github/asl-gate.yml', now: '2026-11-28', ...opts.inputs };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'lab/models',
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: tmp,
    ASL_GATE_RETRY_DELAY_MS: '10',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...opts.env,
  };
  const child = spawn(process.execPath, [DIST], { env, cwd: workspace });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const rawOutput = readFileSync(outputPath, 'utf8');
  return {
    code,
    stdout,
    stderr,
    rawOutput,
    outputs: parseOutputs(rawOutput),
    summary: readFileSync(summaryPath, 'utf8'),
    annotations: parseAnnotations(stdout),
  };
}

/** GITHUB_OUTPUT as the runner reads it: `name=value` lines, or `name<<DELIMITER` heredocs. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`GITHUB_OUTPUT: malformed line ${JSON.stringify(line)}`);
    const delimiter = line.slice(heredoc + 2);
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: heredoc ${delimiter} is not closed`);
    out[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string]),
    );
    out.push({ kind: m[1], props, message: m[3].replace(/%0A/g, '\n').replace(/%25/g, '%') });
  }
  return out;
}
