import { isIsoDate, todayUtc } from '../../src/dates.js';
import { DEFAULT_WITHIN_DAYS, dueInRepository, sortDueItems, type DueReport } from '../../src/engine/due.js';
import { renderDueIcs } from '../../src/report/due-ics.js';
import { renderDueJson } from '../../src/report/due-json.js';
import { renderDueMarkdown } from '../../src/report/due-markdown.js';
import { renderDueText } from '../../src/report/due-text.js';
import { wantColor } from '../../src/report/text.js';
import { FsSnapshot } from '../../src/snapshot/fs.js';
import { formatOption, stringOption, UsageError, type Command } from '../command.js';
import { configError, policyOf, targetsOf } from '../repository.js';

export const dueCommand: Command = {
  name: 'due',
  summary: 'List what falls due (open assessments, the next comprehensive ones) before it is late.',
  synopsis: 'due [PATH...] [--config FILE] [--now YYYY-MM-DD] [--within DAYS] [--format text|json|ics|markdown]',
  details: `Every assessment not completed (due on its \`due\`; overdue after due + grace_days), and per
threshold the next comprehensive assessment the pack's cadence requires. PATH is a declaration file
or a repository root (default: the repository around the working folder, as for check). --format ics writes an iCalendar file whose event UIDs stay the
same across runs, so a calendar that re-imports it updates its events.

Exit codes: 0 nothing overdue, 1 something overdue, 2 usage or configuration error.`,
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      help: 'repository config (default: <root>/.github/asl-gate.yml when it exists)',
    },
    now: { type: 'string', value: 'YYYY-MM-DD', help: 'as of this day (default: today, UTC)' },
    within: {
      type: 'string',
      value: 'DAYS',
      help: `items due within DAYS days are "due soon" (default: ${DEFAULT_WITHIN_DAYS})`,
    },
    format: { type: 'string', value: 'FORMAT', help: 'text (default), json, ics (iCalendar) or markdown' },
  },
  async run(args, io) {
    const format = formatOption(args, ['text', 'json', 'ics', 'markdown'] as const);
    const now = stringOption(args, 'now');
    if (now !== undefined && !isIsoDate(now))
      throw new UsageError(`--now must be a date as YYYY-MM-DD, not ${JSON.stringify(now)}`);
    const withinText = stringOption(args, 'within');
    if (withinText !== undefined && !/^\d{1,5}$/.test(withinText))
      throw new UsageError(`--within must be a number of days (0 or more), not ${JSON.stringify(withinText)}`);
    const within = withinText === undefined ? DEFAULT_WITHIN_DAYS : Number(withinText);
    const clock = new Date();
    const today = now ?? todayUtc(clock);

    const reports: DueReport[] = [];
    for (const [root, declarations] of targetsOf(args.positionals, io.cwd)) {
      const { result: policy, configPath } = await policyOf(root, stringOption(args, 'config'), io);
      if (!policy.ok) return configError(io, root, configPath, policy.findings);
      // Paths stay relative to the repository root, as in `check`: the calendar's UIDs derive from them.
      reports.push(
        await dueInRepository({
          snapshot: new FsSnapshot(root),
          policy: policy.policy,
          today,
          within,
          ...(declarations ? { declarations } : {}),
        }),
      );
    }
    const report: DueReport = {
      today,
      within,
      items: sortDueItems(reports.flatMap((r) => r.items)),
      unread: reports.flatMap((r) => r.unread),
    };
    for (const u of report.unread) {
      io.stderr.write(
        `asl-gate due: ${u.declaration} could not be read in full (${u.problems} problem${u.problems === 1 ? '' : 's'}); its due dates may be missing: run asl-gate check\n`,
      );
    }
    io.stdout.write(
      format === 'json'
        ? renderDueJson(report)
        : format === 'ics'
          ? renderDueIcs(report, now === undefined ? { stamp: clock } : {})
          : format === 'markdown'
            ? renderDueMarkdown(report)
            : renderDueText(report, { color: wantColor(io.stdout, io.env) }),
    );
    return report.items.some((i) => i.state === 'overdue') ? 1 : 0;
  },
};
