import { RequestGivenUp } from '../../github/retry.js';
import { EXIT, stringOption, UsageError, type Command } from '../command.js';
import { networkErrorLine } from '../network-error.js';

export const protectCommand: Command = {
  name: 'protect',
  summary: 'Require the "ASL gate: BRANCH" and "RSO approval: BRANCH" checks on a branch (a repository ruleset).',
  synopsis: 'protect --repo OWNER/NAME [--branch main] [--app-id ID] [--gate-app-id ID] [--dry-run]',
  details: `Creates or updates the ruleset "asl-gate: BRANCH" requiring the branch's two checks,
"ASL gate: BRANCH" and "RSO approval: BRANCH" (their names carry the base branch), the latter bound
to the App's id. Idempotent; prints the plan as a diff.
Token from GITHUB_TOKEN or GH_TOKEN (admin rights on the repository); API from GITHUB_API_URL
(default https://api.github.com).

Exit codes: 0 done (or nothing to change), 2 usage or API error.`,
  options: {
    repo: { type: 'string', value: 'OWNER/NAME', help: 'the repository' },
    branch: { type: 'string', value: 'BRANCH', default: 'main', help: 'the branch to protect (default: main)' },
    'app-id': { type: 'string', value: 'ID', help: "the RSO approval App's id (default: APP_ID)" },
    'gate-app-id': {
      type: 'string',
      value: 'ID',
      help: 'bind "ASL gate: BRANCH" to this App id too (e.g. GitHub Actions)',
    },
    'dry-run': { type: 'boolean', default: false, help: 'print the plan, change nothing' },
  },
  async run(args, io) {
    const repo = stringOption(args, 'repo');
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repo ?? '');
    if (!m)
      throw new UsageError(
        repo === undefined ? 'protect needs --repo OWNER/NAME' : `--repo ${JSON.stringify(repo)} is not OWNER/NAME`,
      );
    const id = (name: string, v: string | undefined) => {
      if (v === undefined || v === '') return undefined;
      if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a numeric App id, not ${JSON.stringify(v)}`);
      return Number(v);
    };
    const appId = id('app-id', stringOption(args, 'app-id') ?? io.env.APP_ID);
    if (appId === undefined) throw new UsageError("protect needs the RSO approval App's id: --app-id ID (or APP_ID)");
    const gateAppId = id('gate-app-id', stringOption(args, 'gate-app-id'));
    const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
    if (!token)
      throw new UsageError('protect needs a token with admin rights on the repository in GITHUB_TOKEN or GH_TOKEN');
    // Loaded on demand: `check` never needs them.
    const baseUrl = io.env.GITHUB_API_URL || 'https://api.github.com';
    const [{ protect, ProtectError }, { cliOctokit }] = await Promise.all([
      import('../../github/protect.js'),
      import('../github.js'),
    ]);
    const api = cliOctokit(token, baseUrl);
    const branch = stringOption(args, 'branch')!;
    const opts = {
      owner: m[1],
      repo: m[2],
      branch,
      appId,
      ...(gateAppId !== undefined ? { gateAppId } : {}),
      dryRun: args.values['dry-run'] === true,
    };
    try {
      const r = await protect(api, opts);
      const verb = { create: 'create', update: 'update', none: 'keep' }[r.action];
      io.stdout.write(
        `Ruleset "asl-gate: ${opts.branch}" on ${repo}: ${verb}${r.rulesetId !== undefined ? ` (id ${r.rulesetId})` : ''}\n${r.plan}\n`,
      );
      io.stdout.write(
        r.action === 'none'
          ? 'Nothing to change.\n'
          : opts.dryRun
            ? 'Dry run: nothing was changed.\n'
            : `Done: ${r.action === 'create' ? 'created' : 'updated'}.\n`,
      );
      return EXIT.pass;
    } catch (e) {
      if (e instanceof ProtectError) {
        io.stderr.write(`asl-gate protect: ${e.message}\n`);
        return EXIT.usage;
      }
      // Octokit reports an unreachable host as a RequestError with status 500: name the network problem.
      const network = networkErrorLine(e, 'protect', baseUrl);
      if (network) {
        io.stderr.write(`${network}\n`);
        return EXIT.usage;
      }
      const status = (e as { status?: number }).status;
      if (status !== undefined || (e as Error).name === 'TypeError' || e instanceof RequestGivenUp) {
        io.stderr.write(`asl-gate protect: GitHub API error: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  },
};
