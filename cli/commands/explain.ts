import type { PackIndex } from '../../src/load/policy.js';
import { EXIT, formatOption, stringOption, UsageError, type Command } from '../command.js';
import {
  atOrAbove,
  documentsFor,
  levelCovers,
  packSourceText,
  requiresText,
  safeguardsFor,
  sourceTag,
  thresholdsRequiring,
  type Safeguard,
  type Threshold,
} from '../pack-facts.js';
import { findRoot, packOf } from '../repository.js';
import { didYouMean } from '../../src/suggest.js';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Say what the policy pack requires, and why: of a level, a threshold or a safeguard.',
  synopsis: 'explain [LEVEL|THRESHOLD|SAFEGUARD] [--pack ID|PATH] [--config FILE] [--format text|json]',
  details: `With no name, an overview of the whole pack. Everything printed comes from the pack's data.
The pack is --pack (a built-in id, or a pack file in the repository), else the one the
repository's config names, else the default.`,
  options: {
    pack: { type: 'string', value: 'ID|PATH', help: "the pack to explain (default: the config's)" },
    config: { type: 'string', value: 'FILE', help: 'repository config (default: <root>/.github/asl-gate.yml)' },
    format: { type: 'string', value: 'FORMAT', help: 'text (default) or json' },
  },
  async run(args, io) {
    const format = formatOption(args, ['text', 'json'] as const);
    if (args.positionals.length > 1)
      throw new UsageError('explain takes one name: a level, a threshold or a safeguard');
    const loaded = await packOf(findRoot(io.cwd, io.cwd), stringOption(args, 'pack'), stringOption(args, 'config'), io);
    if (!loaded.ok) return loaded.code;
    const pack = loaded.index;
    const name = args.positionals[0];
    const what = name === undefined ? overview(pack) : explainName(pack, name);
    io.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ pack: { id: pack.pack.id, name: pack.pack.name, source: pack.file }, ...what.json }, null, 2)}\n`
        : `${what.text.join('\n')}\n`,
    );
    return EXIT.pass;
  },
};

interface Explained {
  json: Record<string, unknown>;
  text: string[];
}

function explainName(pack: PackIndex, name: string): Explained {
  const p = pack.pack;
  const same = (a: string) => a.toLowerCase() === name.toLowerCase();
  const level = p.levels.find(same);
  if (level) return explainLevel(pack, level);
  const threshold = p.thresholds.find((t) => same(t.id));
  if (threshold) return explainThreshold(pack, threshold);
  const safeguard = p.safeguards.find((g) => same(g.id));
  if (safeguard) return explainSafeguard(pack, safeguard);
  const names = [...p.levels, ...p.thresholds.map((t) => t.id), ...p.safeguards.map((g) => g.id)];
  throw new UsageError(
    `${JSON.stringify(name)} is no level, threshold or safeguard of ${p.id}${didYouMean(name, names)}`,
  );
}

const bullet = (s: string) => `  - ${s}`;

function documentsText(pack: PackIndex, level: string): { json: Record<string, unknown>; text: string[] } {
  const d = documentsFor(pack, level);
  const text = [
    d.capabilityReport ? 'a capability report (reports.capability)' : undefined,
    ...d.safeguardsReports.map((s) => `a safeguards report for ${s} (reports.safeguards.${s})`),
    d.internalReview ? 'at least one internal review of the capability case (reviews.internal)' : undefined,
    d.externalReview ? 'at least one external review with a receipt (reviews.external)' : undefined,
  ].filter((s): s is string => s !== undefined);
  return { json: d, text };
}

function cadenceText(pack: PackIndex): string {
  const c = pack.pack.cadence;
  const parts = [
    c.comprehensive_max_age_days !== undefined
      ? `a comprehensive assessment of each threshold no older than ${c.comprehensive_max_age_days} days`
      : 'a completed comprehensive assessment of each threshold in every covered release (no interval)',
    c.effective_compute_multiple !== undefined
      ? `a new one whenever effective compute since the last reaches ${c.effective_compute_multiple}x`
      : undefined,
  ].filter(Boolean);
  return `${parts.join(', and ')}${sourceTag(pack.pack, c.source)}`;
}

function explainLevel(pack: PackIndex, level: string): Explained {
  const p = pack.pack;
  const bySt = Object.fromEntries(p.standards.map((s) => [s, safeguardsFor(pack, s, level)]));
  const covered = p.thresholds.filter((t) => levelCovers(pack, level, t));
  const beyond = p.thresholds.filter((t) => !levelCovers(pack, level, t));
  const docs = documentsText(pack, level);
  const text = [
    `${level} (${p.name}, level ${pack.rank.get(level)! + 1} of ${p.levels.length}: ${p.levels.join(', ')})`,
    '',
  ];
  text.push(
    `Declared on a standard, ${level} requires these safeguards, each listed as implemented with evidence (safeguards are cumulative: every lower level's too):`,
  );
  for (const s of p.standards) {
    text.push(`  ${s}:`);
    text.push(
      ...(bySt[s].length ? bySt[s].map((g) => `    - ${g.id} (from ${g.from}): ${g.description}`) : ['    (none)']),
    );
  }
  text.push('', 'Documents:', ...(docs.text.length ? docs.text.map(bullet) : ['  (none)']));
  text.push('', `Thresholds a release declared at ${level} on every standard may leave not ruled out:`);
  text.push(
    ...(covered.length
      ? covered.map((t) => bullet(`${t.id} (requires ${requiresText(t)}): ${t.description}`))
      : ['  (none)']),
  );
  text.push('', 'Thresholds it must rule out with a completed assessment (they require more):');
  text.push(
    ...(beyond.length
      ? beyond.map((t) => bullet(`${t.id} (requires ${requiresText(t)}): ${t.description}`))
      : ['  (none)']),
  );
  text.push('', `Every threshold: ${cadenceText(pack)}.`);
  return {
    json: {
      kind: 'level',
      id: level,
      safeguards: Object.fromEntries(p.standards.map((s) => [s, bySt[s].map((g) => g.id)])),
      documents: docs.json,
      thresholds_allowed: covered.map((t) => t.id),
      thresholds_to_rule_out: beyond.map((t) => t.id),
      cadence: p.cadence,
    },
    text,
  };
}

function explainThreshold(pack: PackIndex, t: Threshold): Explained {
  const p = pack.pack;
  const safeguards = Object.entries(t.requires).flatMap(([s, l]) => safeguardsFor(pack, s, l));
  const artifacts = (p.artifacts ?? []).filter((a) => a.when.thresholds?.includes(t.id));
  const text = [`${t.id}: ${t.description}${sourceTag(p, t.source)}`, ''];
  if (t.consequence === 'halt')
    text.push(
      'A halt threshold: unless a completed assessment rules it out, the release fails (threshold.halt), whatever its levels.',
    );
  else if (t.consequence === 'alert') text.push('An alert (early-warning) threshold: it sets no level.');
  else {
    text.push(
      'Unless a completed assessment rules it out, the declaration must be at least:',
      ...Object.entries(t.requires).map(([s, l]) => bullet(`${s} ${l}`)),
    );
    text.push(
      '',
      'Which means these safeguards, implemented with evidence:',
      ...safeguards.map((g) => bullet(`${g.id}: ${g.description}`)),
    );
  }
  if (artifacts.length)
    text.push(
      '',
      'Not ruled out, it requires these artifacts (under artifacts:):',
      ...artifacts.map((a) =>
        bullet(`${a.id}${a.per_threshold ? ` (threshold: ${t.id})` : ''}: ${a.description}${sourceTag(p, a.source)}`),
      ),
    );
  text.push(
    '',
    `Assessments: ${cadenceText(pack)}. Its status in the declaration (ruled_out, not_ruled_out or crossed) must agree with the newest comprehensive assessment's result.`,
  );
  return {
    json: {
      kind: 'threshold',
      id: t.id,
      description: t.description,
      requires: t.requires,
      consequence: t.consequence ?? 'level',
      artifacts: artifacts.map((a) => a.id),
      safeguards: safeguards.map((g) => g.id),
      cadence: p.cadence,
      ...(t.source ? { source: t.source } : {}),
    },
    text,
  };
}

function explainSafeguard(pack: PackIndex, g: Safeguard): Explained {
  const p = pack.pack;
  const levels = p.levels.filter((l) => atOrAbove(pack, l, g.from));
  const because = thresholdsRequiring(pack, g);
  const text = [
    `${g.id}: ${g.description}${sourceTag(p, g.source)}`,
    '',
    `Required when ${g.standard} is declared at ${levels.join(', ')} (from ${g.from} up).`,
  ];
  text.push(
    '',
    because.length
      ? `Why: ${g.standard} must be at ${g.from} or above when any of these thresholds is not ruled out:`
      : `Why: the pack requires it at ${g.from}; no threshold requires that level on ${g.standard}.`,
  );
  text.push(...because.map((t) => bullet(`${t.id} (requires ${requiresText(t)}): ${t.description}`)));
  text.push(
    '',
    'In the declaration: an entry under safeguards with status implemented and evidence (a file or an https:// link).',
  );
  return {
    json: {
      kind: 'safeguard',
      id: g.id,
      description: g.description,
      standard: g.standard,
      from: g.from,
      levels,
      thresholds: because.map((t) => t.id),
      ...(g.source ? { source: g.source } : {}),
    },
    text,
  };
}

function overview(pack: PackIndex): Explained {
  const p = pack.pack;
  const text = [`${p.name} (${p.id}; ${pack.file.startsWith('built-in:') ? 'built-in' : pack.file})`, ''];
  const source = packSourceText(p);
  if (source) text.push(`Source: ${source}`, '');
  text.push(
    `Levels, lowest first: ${p.levels.join(', ')}`,
    `Standards (the keys of declared:): ${p.standards.join(', ')}`,
    '',
    'Thresholds (what a threshold not ruled out requires):',
  );
  text.push(
    ...p.thresholds.map((t) =>
      bullet(`${t.id} (requires ${requiresText(t)}): ${t.description}${sourceTag(p, t.source)}`),
    ),
  );
  text.push('', 'Safeguards (required at their level and every higher one):');
  for (const l of p.levels) {
    const at = p.safeguards.filter((g) => g.from === l);
    if (at.length) text.push(`  ${l}:`, ...at.map((g) => `    - ${g.id}: ${g.description}${sourceTag(p, g.source)}`));
  }
  if (p.safeguards.length === 0) text.push('  (none)');
  // Pack format 2: artifacts, research categories, notes.
  if (p.artifacts?.length) {
    text.push('', 'Artifacts (under artifacts: in the declaration):');
    for (const a of p.artifacts) {
      const when =
        [
          a.when.thresholds
            ? `when ${a.when.thresholds.join(' or ')} is not ruled out${a.per_threshold ? ', one per threshold' : ''}`
            : undefined,
          a.when.level_from ? `from ${a.when.level_from}` : undefined,
        ]
          .filter(Boolean)
          .join(', ') || 'always';
      text.push(
        bullet(
          `${a.id} (${when}${a.severity === 'warning' ? '; a warning' : ''}): ${a.description}${sourceTag(p, a.source)}`,
        ),
      );
    }
  }
  if (p.research_categories?.length) {
    text.push('', 'Research categories (assessed and reported under research:, they set no level):');
    text.push(
      ...p.research_categories.map((r) =>
        bullet(
          `${r.id} (unreported: ${r.report === 'optional' ? 'nothing' : `a ${r.report}`}): ${r.description}${sourceTag(p, r.source)}`,
        ),
      ),
    );
  }
  text.push('', `Cadence: ${cadenceText(pack)}.`);
  if (p.notes?.length) text.push('', 'Notes:', ...p.notes.map(bullet));
  text.push('', 'Run `asl-gate explain LEVEL` (or a threshold or safeguard id) for details.');
  return {
    json: {
      kind: 'pack',
      levels: p.levels,
      standards: p.standards,
      thresholds: p.thresholds,
      safeguards: p.safeguards,
      cadence: p.cadence,
      reports: p.reports,
      reviews: p.reviews,
      ...(p.format ? { format: p.format } : {}),
      ...(p.source ? { source: p.source } : {}),
      ...(p.artifacts ? { artifacts: p.artifacts } : {}),
      ...(p.research_categories ? { research_categories: p.research_categories } : {}),
      ...(p.notes ? { notes: p.notes } : {}),
      ...(p.differs_from ? { differs_from: p.differs_from } : {}),
    },
    text,
  };
}
