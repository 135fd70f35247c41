import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { isIsoDate, todayUtc } from '../../src/dates.js';
import { DEFAULT_CONFIG_PATH, DEFAULT_POLICY, DEFAULT_RELEASES, type PackIndex } from '../../src/load/policy.js';
import { EXIT, stringOption, UsageError, type Command } from '../command.js';
import { documentsFor, levelCovers, safeguardsFor } from '../pack-facts.js';
import { configError, findRoot, packOf, policyOf, shown } from '../repository.js';
import { didYouMean } from '../../src/suggest.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'Write the skeleton of a release: declaration, assessment stubs, and the config if missing.',
  synopsis: 'init [DIR] --model NAME --level LEVEL [--pack ID|PATH] [--release-date YYYY-MM-DD]',
  details: `DIR is the repository root (default: the one around the working folder). The release goes where the config's first
\`releases\` glob puts it (default releases/NAME/asl.yml). The declaration lists every threshold
of the pack and every safeguard LEVEL requires, commented; \`asl-gate check\` afterwards reports
only the evidence still to fill in. The config (${DEFAULT_CONFIG_PATH}) is written only when
the repository has none. Existing files are never overwritten.`,
  options: {
    model: { type: 'string', value: 'NAME', help: 'the model being released (letters, digits, . _ -)' },
    level: {
      type: 'string',
      value: 'LEVEL',
      help: "the level declared on every standard, e.g. the pack's third level",
    },
    pack: { type: 'string', value: 'ID|PATH', help: "the pack (default: the config's, else the built-in default)" },
    'release-date': { type: 'string', value: 'YYYY-MM-DD', help: 'the planned release day (default: today, UTC)' },
  },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('init takes one folder: the repository root');
    const root = args.positionals[0] !== undefined ? resolve(io.cwd, args.positionals[0]) : findRoot(io.cwd, io.cwd);
    const model = stringOption(args, 'model');
    if (model === undefined) throw new UsageError('init needs --model NAME');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(model))
      throw new UsageError(`--model must be letters, digits, ".", "_" or "-", not ${JSON.stringify(model)}`);
    const levelOption = stringOption(args, 'level');
    if (levelOption === undefined) throw new UsageError('init needs --level LEVEL');
    const releaseDate = stringOption(args, 'release-date') ?? todayUtc();
    if (!isIsoDate(releaseDate))
      throw new UsageError(`--release-date must be a date as YYYY-MM-DD, not ${JSON.stringify(releaseDate)}`);

    const hasConfig = existsSync(join(root, DEFAULT_CONFIG_PATH));
    const packOption = stringOption(args, 'pack');
    let releases = DEFAULT_RELEASES;
    let pack: PackIndex;
    // The config init writes names no RSO; an existing one may not either.
    let noApprover = true;
    if (hasConfig) {
      // The config decides: a declaration naming another pack would be policy.mismatch.
      const { result, configPath } = await policyOf(root, undefined, io);
      if (!result.ok) return configError(io, root, configPath, result.findings);
      const { settings } = result.policy;
      pack = result.policy.pack;
      if (packOption !== undefined && packOption !== settings.policy && packOption !== pack.pack.id) {
        throw new UsageError(
          `--pack ${packOption}: ${configPath} names ${settings.policy}; a release must use the repository's pack`,
        );
      }
      releases = settings.releases;
      noApprover = settings.rso.users.length === 0 && settings.rso.teams.length === 0;
    } else {
      const loaded = await packOf(root, packOption ?? DEFAULT_POLICY, undefined, io);
      if (!loaded.ok) return loaded.code;
      pack = loaded.index;
    }
    const level = pack.pack.levels.find((l) => l === levelOption);
    if (!level)
      throw new UsageError(
        `--level ${JSON.stringify(levelOption)} is not a level of ${pack.pack.id} (${pack.pack.levels.join(', ')})${didYouMean(levelOption, sameNumber(levelOption, pack.pack.levels))}`,
      );

    const declaration = declarationPath(releases[0], model);
    const folder = posix.dirname(declaration);
    const policyRef = hasConfig ? undefined : (packOption ?? pack.pack.id);
    const files = skeleton(pack, {
      model,
      level,
      releaseDate,
      policy: pack.pack.id,
      file: posix.basename(declaration),
    });
    const out: Record<string, string> = {};
    for (const [p, text] of Object.entries(files)) out[`${folder}/${p}`] = text;
    if (policyRef !== undefined) out[DEFAULT_CONFIG_PATH] = configText(policyRef, pack);

    for (const p of Object.keys(out)) {
      if (existsSync(join(root, p))) {
        io.stderr.write(`asl-gate: ${shown(io, join(root, p))} already exists; init never overwrites a file\n`);
        return EXIT.usage;
      }
    }
    for (const [p, text] of Object.entries(out)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text, { flag: 'wx' });
    }
    io.stdout.write(
      `Wrote ${Object.keys(out).length} files for ${model} at ${level} (${pack.pack.id}):\n${Object.keys(out)
        .map((p) => `  ${shown(io, join(root, p))}\n`)
        .join(
          '',
        )}Next: fill in the assessments, evidence, reports and reviews, then run\n  asl-gate check ${shown(io, join(root, declaration))}\n` +
        (noApprover
          ? `Before installing the RSO approval App, set rso.users or rso.teams in ${DEFAULT_CONFIG_PATH} (on the base branch):\n` +
            `  every release needs RSO approval, and the App waits until someone may give it.\n`
          : ''),
    );
    return EXIT.pass;
  },
};

/**
 * The levels a mistyped `--level` may have meant: those with its digits (ASL3 → ASL-3), never another
 * number (ASL-5 is no typo of ASL-1; the message lists the levels).
 */
function sameNumber(option: string, levels: readonly string[]): string[] {
  const digits = (s: string) => s.replace(/\D/g, '');
  return levels.filter((l) => digits(l) === digits(option));
}

/** Where the config's releases glob puts the declaration of `model`. */
function declarationPath(glob: string, model: string): string {
  const dir = posix.dirname(glob);
  const parts = dir.split('/');
  const stars = parts.filter((p) => p.includes('*'));
  if (stars.length === 1 && stars[0] === '*' && !posix.basename(glob).includes('*'))
    return `${parts.map((p) => (p === '*' ? model : p)).join('/')}/${posix.basename(glob)}`;
  return `releases/${model}/asl.yml`;
}

/** A line of YAML with a comment, the comments of a file aligned in one column. */
function commented(code: string, comment: string): string {
  return `${code.padEnd(36)} # ${comment}`;
}

/** A YAML plain scalar when safe, else a double-quoted one. */
function y(s: string): string {
  return /^[A-Za-z][A-Za-z0-9._/-]*$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

function slug(id: string): string {
  return (
    id
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'threshold'
  );
}

interface SkeletonOptions {
  model: string;
  level: string;
  releaseDate: string;
  policy: string;
  /** The declaration's file name. */
  file: string;
}

/** The files of a new release, relative to its folder. */
export function skeleton(pack: PackIndex, o: SkeletonOptions): Record<string, string> {
  const p = pack.pack;
  const files: Record<string, string> = {};
  const assessmentIds = new Map<string, string>();
  const used = new Set<string>();
  for (const t of p.thresholds) {
    let s = slug(t.id);
    while (used.has(s)) s += '-x';
    used.add(s);
    assessmentIds.set(t.id, s);
    files[`assessments/${s}.yml`] = [
      `# Assessment of ${t.id}: ${t.description}`,
      '# Fill in `completed` and `result` when the evaluation is done; add `evals` for the detail.',
      `id: ${y(s)}`,
      'kind: comprehensive                  # preliminary | comprehensive',
      `thresholds: [${y(t.id)}]`,
      commented(`due: ${o.releaseDate}`, 'the day it must be completed by'),
      'completed: null                      # YYYY-MM-DD once completed',
      commented('result: null', `e.g. {${y(t.id)}: ruled_out} (ruled_out | not_ruled_out | crossed)`),
      '# report: reports/' + s + '.md',
      '',
    ].join('\n');
  }
  const docs = documentsFor(pack, o.level);
  const lines: string[] = [
    `# Release declaration of ${o.model} under ${p.name} (${p.id}).`,
    `# Written by \`asl-gate init --level ${o.level}\`: run \`asl-gate check\` to see what is still to fill in,`,
    `# and \`asl-gate explain ${o.level}\` for what the level requires and why.`,
    `model: ${y(o.model)}`,
    `policy: ${y(o.policy)}`,
    `release_date: ${o.releaseDate}`,
    commented('declared:', `one level per standard: ${p.levels.join(' | ')}`),
    ...p.standards.map((s) => `  ${y(s)}: ${y(o.level)}`),
    '  # basis: precautionary             # optional: determined | precautionary',
    '# effective_compute_since_last_comprehensive: 1   # optional, a number >= 1',
    '',
    '# One entry per threshold of the pack. A status must agree with the newest completed',
    '# comprehensive assessment that covers it (its `result`).',
    'thresholds:',
  ];
  for (const t of p.thresholds) {
    const carried = levelCovers(pack, o.level, t);
    lines.push(
      `  # ${t.description}`,
      `  # Unless ruled out it requires ${Object.entries(t.requires)
        .map(([s, l]) => `${s} ${l}`)
        .join(', ')}${carried ? '' : `: above ${o.level}, so rule it out`}`,
      `  - id: ${y(t.id)}`,
      commented(`    status: ${carried ? 'not_ruled_out' : 'ruled_out'}`, 'ruled_out | not_ruled_out | crossed'),
      `    assessments: [${y(assessmentIds.get(t.id)!)}]`,
    );
  }
  const safeguards = p.standards.flatMap((s) => safeguardsFor(pack, s, o.level));
  lines.push(
    '',
    `# Every safeguard ${o.level} requires. Set each to implemented, with evidence: a file in this`,
    '# folder or an https:// link.',
  );
  if (safeguards.length === 0) lines.push('safeguards: []');
  else {
    lines.push('safeguards:');
    for (const g of safeguards) {
      lines.push(
        `  # ${g.description} (${g.standard}, from ${g.from})`,
        `  - id: ${y(g.id)}`,
        commented('    status: planned', 'implemented | planned | not_applicable'),
        '    # evidence: https://…',
      );
    }
  }
  // A pack that asks for no report at this level (e.g. a pack-format-2 pack with `reports: {}`) gets an empty mapping, not a null.
  const noReports = !docs.capabilityReport && docs.safeguardsReports.length === 0;
  lines.push(
    '',
    '# Reports: write each file at the path given (relative to this folder).',
    noReports ? 'reports: {}' : 'reports:',
  );
  if (docs.capabilityReport) lines.push('  capability: reports/capability.md');
  else lines.push('  # capability: reports/capability.md');
  if (docs.safeguardsReports.length > 0) {
    lines.push('  safeguards:                        # one per standard');
    for (const s of docs.safeguardsReports) lines.push(`    ${y(s)}: reports/safeguards-${slug(s)}.md`);
  }
  lines.push(
    '',
    '# Reviews of the capability case, once they have happened: replace a `[]` line with the',
    '# commented block below it, uncommented and filled in (`[]` is an empty list; entries cannot follow it).',
    'reviews:',
    `  internal: []${docs.internalReview ? '                       # required: at least one' : ''}`,
    '  # internal:',
    '  #   - by: alignment-stress-testing',
    `  #     date: ${o.releaseDate}`,
    '  #     evidence: reviews/internal.md',
    `  external: []${docs.externalReview ? '                       # required: at least one, with a receipt' : ''}`,
    '  # external:',
    '  #   - org: US AISI',
    `  #     shared_on: ${o.releaseDate}`,
    '  #     receipt: reviews/external-receipt.md',
    '',
    'assessments:',
    ...[...assessmentIds.values()].map((s) => `  - assessments/${s}.yml`),
    '',
    '# Deviations the lab reports about itself, e.g. an evaluation completed late:',
    '# noncompliance:',
    '#   - finding: evaluation.late',
    `#     assessment: ${[...assessmentIds.values()][0] ?? 'ASSESSMENT-ID'}`,
    '#     reason: Completed 3 days after its due date; results unaffected.',
    '',
  );
  files[o.file] = lines.join('\n');
  return files;
}

function configText(policy: string, pack: PackIndex): string {
  return [
    '# asl-gate repository config, read from the base branch of a pull request. Every key is optional.',
    commented(`policy: ${y(policy)}`, 'a built-in pack id, or a path to a pack file in the repository'),
    'releases: ["releases/*/asl.yml"]     # where declarations live',
    'grace_days: 0                        # days an evaluation may pass its due date',
    '# rso:                               # who may approve releases in the RSO approval App',
    '#   users: [github-login]',
    '#   teams: [team-slug]',
    '# approval:',
    commented(`#   from_level: ${pack.pack.levels[0]}`, 'declared levels at or above need RSO approval'),
    '#   allow_author: false',
    '',
  ].join('\n');
}
