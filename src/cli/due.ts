// `asl-gate due`: what falls due, so that nothing is late (SPEC §3). Its own module, loaded only
// when the command runs; main.ts dispatches to dueMain.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isIsoDate, todayUtc } from '../dates.js';
import { DEFAULT_WITHIN_DAYS, dueInRepository, sortDueItems, type DueReport } from '../due.js';
import { renderDueIcs } from '../report/due-ics.js';
import { renderDueJson } from '../report/due-json.js';
import { renderDueMarkdown } from '../report/due-markdown.js';
import { renderDueText } from '../report/due-text.js';
import { location } from '../report/text.js';
import { groupByRoot, loadRootPolicy, PathError } from './repositories.js';

export const DUE_USAGE = `Usage: asl-gate due [PATH...] [options]

List what falls due: every assessment not completed, and the next comprehensive assessment the
policy's cadence requires of each threshold. PATH is a declaration file or a repository root
(default: .).

Options:
  --config FILE     repository config (default: <root>/.github/asl-gate.yml)
  --now YYYY-MM-DD  as of this day (default: today, UTC)
  --within DAYS     items due within DAYS days are "due soon" (default: ${DEFAULT_WITHIN_DAYS})
  --format FORMAT   text (default), json, ics (iCalendar) or markdown

Exit codes: 0 nothing overdue, 1 something overdue, 2 usage or configuration error.
`;

export type DueFormat = 'text' | 'json' | 'ics' | 'markdown';

/** The parsed command line of `due`. */
export interface DueCliOptions {
  paths: string[];
  config?: string;
  /** The day judged, YYYY-MM-DD; undefined for today (UTC). */
  now?: string;
  within: number;
  format: DueFormat;
  help: boolean;
}

export interface DueRun {
  exitCode: number;
  /** For standard output. */
  output: string;
  /** For standard error: configuration errors, releases that could not be read. */
  errors: string;
}

export class DueUsageError extends Error {}

const FORMATS: readonly DueFormat[] = ['text', 'json', 'ics', 'markdown'];

/** Parse `due`'s arguments (after the command word). Throws DueUsageError, or parseArgs' own errors. */
export function parseDueArgs(argv: string[]): DueCliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      now: { type: 'string' },
      within: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const format = values.format as DueFormat;
  if (!FORMATS.includes(format)) throw new DueUsageError(`--format must be text, json, ics or markdown, not ${JSON.stringify(values.format)}`);
  if (values.now !== undefined && !isIsoDate(values.now)) throw new DueUsageError(`--now must be a date as YYYY-MM-DD, not ${JSON.stringify(values.now)}`);
  let within = DEFAULT_WITHIN_DAYS;
  if (values.within !== undefined) {
    if (!/^\d{1,5}$/.test(values.within)) throw new DueUsageError(`--within must be a number of days (0 or more), not ${JSON.stringify(values.within)}`);
    within = Number(values.within);
  }
  return { paths: positionals, ...(values.config !== undefined ? { config: values.config } : {}), ...(values.now !== undefined ? { now: values.now } : {}), within, format, help: values.help };
}

/** Run `due` for parsed options: read each repository, list what falls due, render it. */
export async function runDue(opts: DueCliOptions, env: { cwd: string; color: boolean; clock?: Date }): Promise<DueRun> {
  if (opts.help) return { exitCode: 0, output: DUE_USAGE, errors: '' };
  const clock = env.clock ?? new Date();
  const today = opts.now ?? todayUtc(clock);
  const reports: DueReport[] = [];
  let errors = '';
  try {
    for (const [root, declarations] of groupByRoot(opts.paths, env.cwd)) {
      const { snapshot, configPath, policy } = await loadRootPolicy(root, opts.config, env.cwd);
      if (!policy.ok) {
        const where = relative(env.cwd, root) || '.';
        errors += `asl-gate: configuration error in ${where}:\n${policy.findings.map((f) => `  ${location(f) || configPath}: ${f.code}: ${f.message}\n`).join('')}`;
        return { exitCode: 2, output: '', errors };
      }
      const report = await dueInRepository({ snapshot, policy: policy.policy, today, within: opts.within, ...(declarations ? { declarations } : {}) });
      // Paths stay relative to the repository root, as in `check`: the calendar's UIDs derive from them.
      reports.push(report);
    }
  } catch (e) {
    if (e instanceof PathError) throw new DueUsageError(e.message);
    throw e;
  }
  const report: DueReport = { today, within: opts.within, items: sortDueItems(reports.flatMap((r) => r.items)), unread: reports.flatMap((r) => r.unread) };
  for (const u of report.unread) {
    errors += `asl-gate due: ${u.declaration} could not be read in full (${u.problems} problem${u.problems === 1 ? '' : 's'}); its due dates may be missing: run asl-gate check\n`;
  }
  const output =
    opts.format === 'json'
      ? renderDueJson(report)
      : opts.format === 'ics'
        ? renderDueIcs(report, opts.now === undefined ? { stamp: clock } : {})
        : opts.format === 'markdown'
          ? renderDueMarkdown(report)
          : renderDueText(report, { color: env.color });
  return { exitCode: report.items.some((i) => i.state === 'overdue') ? 1 : 0, output, errors };
}

/** The `due` command as main.ts runs it: arguments in, streams written, exit code out. */
export async function dueMain(argv: string[], io: { cwd: string; stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown }; color: boolean }): Promise<number> {
  let run: DueRun;
  try {
    run = await runDue(parseDueArgs(argv), io);
  } catch (e) {
    if (e instanceof DueUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`asl-gate due: ${(e as Error).message}\n\n${DUE_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (run.output) io.stdout.write(run.output);
  if (run.errors) io.stderr.write(run.errors);
  return run.exitCode;
}
