import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { checkRepository, type CheckReport } from '../check.js';
import { isIsoDate, todayUtc } from '../dates.js';
import { sortFindings, verdictOf, type Finding } from '../findings.js';
import { DEFAULT_CONFIG_PATH, loadPolicy } from '../policy.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { location, renderText, wantColor } from '../report/text.js';
import { FILE_KINDS, type FileKind } from '../schemas/validate.js';
import { FsSnapshot } from '../snapshot/fs.js';

/** What the CLI needs from its process; tests pass their own. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

const USAGE = `Usage: asl-gate <command> [options]

Commands:
  check [PATH...]   Check release declarations. PATH is a declaration file or a repository
                    root (default: .). Options:
                      --config FILE     repository config (default: <root>/${DEFAULT_CONFIG_PATH})
                      --now YYYY-MM-DD  judge as of this day (default: today, UTC)
                      --format FORMAT   text (default), json or markdown
  schema [KIND]     Print the JSON Schema of a file kind: declaration, assessment, config, pack.
  protect --repo OWNER/NAME [--branch main] [--app-id ID] [--gate-app-id ID] [--dry-run]
                    Create or update the repository ruleset that requires the "ASL gate: BRANCH"
                    and "RSO approval: BRANCH" checks on the branch, the latter bound to the App's id
                    (--app-id, or APP_ID). Token from GITHUB_TOKEN or GH_TOKEN; API from
                    GITHUB_API_URL (default https://api.github.com). Prints the plan as a diff.

Exit codes: 0 pass, 1 fail, 2 usage or configuration error.
`;

class UsageError extends Error {}

/** Run the CLI; returns the exit code. Never throws for a user's mistake. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return command === undefined ? EXIT.usage : EXIT.pass;
    }
    if (command === 'check') return await check(rest, io);
    if (command === 'schema') return await schema(rest, io);
    if (command === 'protect') return await protectCommand(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`asl-gate: ${(e as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function check(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.pass;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'markdown') throw new UsageError(`--format must be text, json or markdown, not ${JSON.stringify(format)}`);
  const today = values.now ?? todayUtc();
  if (!isIsoDate(today)) throw new UsageError(`--now must be a date as YYYY-MM-DD, not ${JSON.stringify(values.now)}`);

  // Group the paths by repository root: each root has its own config and pack.
  const targets = new Map<string, string[] | undefined>();
  for (const p of positionals.length > 0 ? positionals : ['.']) {
    const abs = resolve(io.cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      targets.set(abs, undefined);
    } else {
      const root = findRoot(dirname(abs), io.cwd);
      const list = targets.get(root);
      if (targets.has(root) && list === undefined) continue; // the whole root is checked anyway
      targets.set(root, [...(list ?? []), relative(root, abs).split(sep).join('/')]);
    }
  }

  const reports: CheckReport[] = [];
  for (const [root, declarations] of targets) {
    const snapshot = new FsSnapshot(root);
    let policySnapshot = snapshot;
    let configPath = DEFAULT_CONFIG_PATH;
    if (values.config !== undefined) {
      const abs = resolve(io.cwd, values.config);
      if (!existsSync(abs)) throw new UsageError(`--config ${values.config}: no such file`);
      const rel = relative(snapshot.root, abs);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        // A config outside the repository: its own folder is where a custom pack path is resolved.
        policySnapshot = new FsSnapshot(dirname(abs));
        configPath = abs.slice(dirname(abs).length + 1);
      } else configPath = rel.split(sep).join('/');
    }
    const policy = await loadPolicy(policySnapshot, configPath);
    if (!policy.ok) {
      io.stderr.write(`asl-gate: configuration error in ${relative(io.cwd, root) || '.'}:\n${policy.findings.map((f) => `  ${location(f) || configPath}: ${f.code}: ${f.message}\n`).join('')}`);
      return EXIT.usage;
    }
    reports.push(await checkRepository({ snapshot, policy: policy.policy, today, ...(declarations ? { declarations } : {}) }));
  }
  const report = merge(reports);
  const out =
    format === 'json' ? renderJson(report) : format === 'markdown' ? renderMarkdown(report, today) : renderText(report, { color: wantColor(io.stdout, io.env) });
  io.stdout.write(out);
  return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
}

async function protectCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: 'string' },
      branch: { type: 'string', default: 'main' },
      'app-id': { type: 'string' },
      'gate-app-id': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(values.repo ?? '');
  if (!m) throw new UsageError('protect needs --repo OWNER/NAME');
  const id = (name: string, v: string | undefined) => {
    if (v === undefined || v === '') return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a numeric App id, not ${JSON.stringify(v)}`);
    return Number(v);
  };
  const appId = id('app-id', values['app-id'] ?? io.env.APP_ID);
  if (appId === undefined) throw new UsageError('protect needs the RSO approval App\'s id: --app-id ID (or APP_ID)');
  const gateAppId = id('gate-app-id', values['gate-app-id']);
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  if (!token) throw new UsageError('protect needs a token with admin rights on the repository in GITHUB_TOKEN or GH_TOKEN');
  // Loaded on demand: `check` never needs them.
  const [{ protect, ProtectError }, { restClient }] = await Promise.all([import('../protect.js'), import('../snapshot/rest.js')]);
  const api = restClient({ baseUrl: io.env.GITHUB_API_URL || 'https://api.github.com', token });
  const opts = { owner: m[1]!, repo: m[2]!, branch: values.branch, appId, ...(gateAppId !== undefined ? { gateAppId } : {}), dryRun: values['dry-run'] };
  try {
    const r = await protect(api, opts);
    const verb = { create: 'create', update: 'update', none: 'keep' }[r.action];
    io.stdout.write(`Ruleset "asl-gate: ${opts.branch}" on ${values.repo}: ${verb}${r.rulesetId !== undefined ? ` (id ${r.rulesetId})` : ''}\n${r.plan}\n`);
    io.stdout.write(r.action === 'none' ? 'Nothing to change.\n' : opts.dryRun ? 'Dry run: nothing was changed.\n' : `Done: ${r.action === 'create' ? 'created' : 'updated'}.\n`);
    return EXIT.pass;
  } catch (e) {
    if (e instanceof ProtectError) {
      io.stderr.write(`asl-gate protect: ${e.message}\n`);
      return EXIT.usage;
    }
    const status = (e as { status?: number }).status;
    if (status !== undefined || (e as Error).name === 'TypeError') {
      io.stderr.write(`asl-gate protect: GitHub API error: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

function merge(reports: CheckReport[]): CheckReport {
  if (reports.length === 1) return reports[0]!;
  const findings: Finding[] = sortFindings(reports.flatMap((r) => r.findings));
  return { verdict: verdictOf(findings), releases: reports.flatMap((r) => r.releases), findings };
}

/** The nearest folder at or above `dir` that holds `.git` or a gate config; else `fallback`. */
function findRoot(dir: string, fallback: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git')) || existsSync(join(d, DEFAULT_CONFIG_PATH))) return d;
    if (dirname(d) === d) break;
  }
  const rel = relative(fallback, dir);
  return rel.startsWith('..') || isAbsolute(rel) ? dir : fallback;
}

async function schema(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const kinds: readonly FileKind[] = FILE_KINDS;
  if (positionals.length > 1) throw new UsageError('schema takes one file kind');
  const kind = positionals[0];
  if (kind !== undefined && !kinds.includes(kind as FileKind)) throw new UsageError(`unknown file kind ${JSON.stringify(kind)}; expected one of ${kinds.join(', ')}`);
  // Loaded on demand: JSON Schema generation is not needed by `check`.
  const { jsonSchemaOf } = await import('../generated.js');
  if (kind) io.stdout.write(jsonSchemaOf(kind as FileKind));
  else io.stdout.write(`${JSON.stringify(Object.fromEntries(kinds.map((k) => [k, JSON.parse(jsonSchemaOf(k))])), null, 2)}\n`);
  return EXIT.pass;
}
