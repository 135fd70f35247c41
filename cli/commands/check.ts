import { checkRepository, type CheckReport } from '../../src/engine/check.js';
import { isIsoDate, todayUtc } from '../../src/dates.js';
import { sortFindings, verdictOf, type Finding } from '../../src/findings.js';
import { DEFAULT_CONFIG_PATH } from '../../src/load/policy.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText, wantColor } from '../../src/report/text.js';
import { FsSnapshot } from '../../src/snapshot/fs.js';
import { EXIT, formatOption, stringOption, UsageError, type Command } from '../command.js';
import { configError, policyOf, shown, targetsOf } from '../repository.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check release declarations against the policy pack.',
  synopsis: 'check [PATH...] [--config FILE] [--now YYYY-MM-DD] [--format text|json|markdown]',
  details: `PATH is a declaration file or a repository root (default: the repository around the working
folder, the nearest one up with .git or .github/asl-gate.yml, else .); for a root, the config's
\`releases\` globs find the declarations. A folder with no declaration and no config is a usage
error; a config whose globs match nothing passes, with a notice on standard error.

Exit codes: 0 pass, 1 fail, 2 usage or configuration error.`,
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      help: `repository config (default: <root>/${DEFAULT_CONFIG_PATH} when it exists)`,
    },
    now: { type: 'string', value: 'YYYY-MM-DD', help: 'judge as of this day (default: today, UTC)' },
    format: { type: 'string', value: 'FORMAT', help: 'text (default), json or markdown' },
  },
  async run(args, io) {
    const format = formatOption(args, ['text', 'json', 'markdown'] as const);
    const now = stringOption(args, 'now');
    const today = now ?? todayUtc();
    if (!isIsoDate(today)) throw new UsageError(`--now must be a date as YYYY-MM-DD, not ${JSON.stringify(now)}`);

    const targets = targetsOf(args.positionals, io.cwd);

    const reports: CheckReport[] = [];
    for (const [root, declarations] of targets) {
      const { result: policy, configPath } = await policyOf(root, stringOption(args, 'config'), io);
      if (!policy.ok) return configError(io, root, configPath, policy.findings);
      const report = await checkRepository({
        snapshot: new FsSnapshot(root),
        policy: policy.policy,
        today,
        ...(declarations ? { declarations } : {}),
      });
      if (declarations === undefined && report.releases.length === 0 && report.findings.length === 0) {
        const where = `${policy.policy.settings.releases.join(', ')} in ${shown(io, root)}`;
        if (policy.policy.settings.file === undefined) {
          // Nothing here looks like a gated repository: a pass would only hide a wrong folder.
          io.stderr.write(
            `asl-gate: no declarations found: looked for ${where}, and there is no ${DEFAULT_CONFIG_PATH}\n`,
          );
          return EXIT.usage;
        }
        io.stderr.write(
          `asl-gate: notice: no declaration matches ${where} (from ${policy.policy.settings.file}); nothing to check\n`,
        );
      }
      reports.push(report);
    }
    const report = merge(reports);
    const out =
      format === 'json'
        ? renderJson(report)
        : format === 'markdown'
          ? renderMarkdown(report, today)
          : renderText(report, { color: wantColor(io.stdout, io.env) });
    io.stdout.write(out);
    return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  },
};

function merge(reports: CheckReport[]): CheckReport {
  if (reports.length === 1) return reports[0];
  const findings: Finding[] = sortFindings(reports.flatMap((r) => r.findings));
  return { verdict: verdictOf(findings), releases: reports.flatMap((r) => r.releases), findings };
}
