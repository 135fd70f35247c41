import { DEFAULT_CONFIG_PATH } from '../constants.js';
import { error, type Finding } from '../findings.js';
import { BUILTIN_PACKS } from '../packs/builtin.generated.js';
import { DEFAULT_CAPS, loadYamlFile } from './read-yaml.js';
import { resolveReference, SafeStat } from './safe-path.js';
import type { Config, Pack } from './schemas/index.js';
import { describePath, quote } from './schemas/validate.js';
import { ruleAt } from '../engine/signoff.js';
import type { RepoSnapshot } from '../snapshot/port.js';
import type { ParsedYaml } from './yaml/safe-yaml.js';

export { DEFAULT_CONFIG_PATH } from '../constants.js';
export const DEFAULT_POLICY = 'anthropic-rsp-2.2';
export const DEFAULT_RELEASES = ['releases/*/asl.yml'];

/** The repository config with every default filled in. */
export interface Settings {
  /** Config file it came from, or undefined when defaults were used. */
  file?: string;
  policy: string;
  releases: string[];
  graceDays: number;
  rso: { users: string[]; teams: string[] };
  approval: { fromLevel: string; allowAuthor: boolean };
  /** The config's `signoff:` roles, when it has them (then `rso` and `approval.fromLevel` are derived from it). */
  signoff?: SignoffSettings;
}

/** Who holds a role: logins (compared by numeric user id) and team slugs. */
export interface RoleHolders {
  users: string[];
  teams: string[];
}

/** A config's `signoff:` with its defaults filled in (SPEC §1.3). */
export interface SignoffSettings {
  /** Role id -> who holds it. */
  roles: Record<string, RoleHolders>;
  /** The rules, lowest `fromLevel` first. */
  require: Array<{ fromLevel: string; roles: string[] }>;
  /** Roles a PR that changes the config or a pack needs. */
  changes: string[];
}

/** A validated pack with the lookups the engine needs. */
export interface PackIndex {
  pack: Pack;
  /** Where it came from: a repository path, or `built-in:<id>`. */
  file: string;
  rank: ReadonlyMap<string, number>;
  thresholds: ReadonlyMap<string, Pack['thresholds'][number]>;
}

export interface Policy {
  settings: Settings;
  pack: PackIndex;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; findings: Finding[] };

/**
 * Load the repository config and the pack it names from `snapshot` (the base branch for a PR).
 * A missing config means defaults; anything wrong is returned as findings, which callers treat as
 * a configuration error.
 */
export async function loadPolicy(
  snapshot: RepoSnapshot,
  configPath: string = DEFAULT_CONFIG_PATH,
): Promise<PolicyResult> {
  const safe = new SafeStat(snapshot);
  let config: Config = {};
  let parsed: ParsedYaml | undefined;
  const resolved = resolveReference('', configPath, { file: configPath });
  if (!resolved.ok) return { ok: false, findings: [resolved.finding] };
  const st = await safe.stat(resolved.path);
  if (st) {
    const checked = await safe.checkFile(resolved.path, configPath, { file: configPath });
    if ('finding' in checked) return { ok: false, findings: [checked.finding] };
    const loaded = await loadYamlFile(snapshot, resolved.path, checked.entry.size, 'config', DEFAULT_CAPS);
    if (!loaded.ok) return loaded;
    config = loaded.data;
    parsed = loaded.parsed;
  }
  const policyRef = config.policy ?? DEFAULT_POLICY;
  const pack = await loadPack(snapshot, safe, policyRef, parsed?.locate(['policy']) ?? { file: parsed?.file });
  if (!pack.ok) return pack;
  const signoff = parsed && config.signoff ? signoffSettings(config, parsed, pack.index) : undefined;
  if (signoff && !signoff.ok) return signoff;
  const settings: Settings = {
    ...(parsed ? { file: parsed.file } : {}),
    policy: policyRef,
    releases: config.releases ?? DEFAULT_RELEASES,
    graceDays: config.grace_days ?? 0,
    rso: { users: config.rso?.users ?? [], teams: config.rso?.teams ?? [] },
    approval: {
      fromLevel: config.approval?.from_level ?? pack.index.pack.levels[0],
      allowAuthor: config.approval?.allow_author ?? false,
    },
  };
  if (signoff) {
    // The engine's "approval required" (a release at or above the lowest rule) and the rso role's
    // holders, as the single-role settings spell them.
    settings.signoff = signoff.settings;
    settings.approval.fromLevel = signoff.settings.require[0].fromLevel;
    settings.rso = signoff.settings.roles.rso ?? { users: [], teams: [] };
  }
  if (!pack.index.rank.has(settings.approval.fromLevel)) {
    return {
      ok: false,
      findings: [
        error(
          'schema.invalid',
          `approval.from_level: expected one of ${pack.index.pack.levels.map(quote).join(', ')} (the levels of ${pack.index.pack.id})`,
          parsed?.locate(['approval', 'from_level']) ?? {},
        ),
      ],
    };
  }
  return { ok: true, policy: { settings, pack: pack.index } };
}

const builtinCache = new Map<string, PackIndex>();

/**
 * A built-in pack by id, or undefined. Its data was parsed, validated and cross-checked (indexPack)
 * when it was generated, and a test keeps the generated file fresh: here only its lookups are built.
 */
export function builtinPack(id: string): PackIndex | undefined {
  if (!Object.hasOwn(BUILTIN_PACKS, id)) return undefined;
  let idx = builtinCache.get(id);
  if (!idx) {
    const pack = BUILTIN_PACKS[id];
    idx = {
      pack,
      file: `built-in:${id}`,
      rank: new Map(pack.levels.map((l, i) => [l, i])),
      thresholds: new Map(pack.thresholds.map((t) => [t.id, t])),
    };
    builtinCache.set(id, idx);
  }
  return idx;
}

export type PackResult = { ok: true; index: PackIndex } | { ok: false; findings: Finding[] };

/** A pack by built-in id, or by a path to a pack file in `snapshot`. */
export async function loadPack(
  snapshot: RepoSnapshot,
  safe: SafeStat,
  ref: string,
  at: { file?: string; line?: number; column?: number },
): Promise<PackResult> {
  const builtin = builtinPack(ref);
  if (builtin) return { ok: true, index: builtin };
  const builtins = Object.keys(BUILTIN_PACKS).join(', ');
  if (!/[/.]/.test(ref)) {
    return {
      ok: false,
      findings: [
        error(
          'policy.unknown',
          `no built-in pack ${quote(ref)} (built-in: ${builtins}); or give a path to a pack file`,
          at,
        ),
      ],
    };
  }
  const resolved = resolveReference('', ref, at);
  if (!resolved.ok) return { ok: false, findings: [resolved.finding] };
  const checked = await safe.checkFile(resolved.path, ref, at);
  if ('finding' in checked) {
    const f = checked.finding;
    return {
      ok: false,
      findings: [
        f.code === 'reference.missing'
          ? error('policy.unknown', `pack file ${quote(ref)} does not exist on this branch`, at)
          : f,
      ],
    };
  }
  const loaded = await loadYamlFile(snapshot, resolved.path, checked.entry.size, 'pack', DEFAULT_CAPS);
  if (!loaded.ok) return loaded;
  return indexPack(loaded);
}

/** Cross-field checks of a pack: every name it uses must be one it defines. */
export function indexPack(loaded: { data: Pack; parsed: ParsedYaml }): PackResult {
  const { data: pack, parsed } = loaded;
  const findings: Finding[] = [];
  const bad = (path: (string | number)[], msg: string, key = false) =>
    findings.push(error('schema.invalid', msg, parsed.locate(path, { key })));
  const rank = new Map<string, number>();
  pack.levels.forEach((l, i) =>
    rank.has(l) ? bad(['levels', i], `levels: ${quote(l)} is listed twice`) : rank.set(l, i),
  );
  const standards = new Set<string>();
  pack.standards.forEach((s, i) =>
    standards.has(s) ? bad(['standards', i], `standards: ${quote(s)} is listed twice`) : standards.add(s),
  );
  const level = (path: (string | number)[], l: string | undefined) => {
    if (l !== undefined && !rank.has(l))
      bad(path, `${describePath('', path)}: ${quote(l)} is not one of the pack's levels`);
  };
  const thresholds = new Map<string, Pack['thresholds'][number]>();
  pack.thresholds.forEach((t, i) => {
    if (thresholds.has(t.id)) bad(['thresholds', i, 'id'], `thresholds: ${quote(t.id)} is defined twice`);
    thresholds.set(t.id, t);
    for (const [s, l] of Object.entries(t.requires)) {
      if (!standards.has(s))
        bad(
          ['thresholds', i, 'requires', s],
          `thresholds[${i}].requires: ${quote(s)} is not one of the pack's standards`,
          true,
        );
      level(['thresholds', i, 'requires', s], l);
    }
  });
  const safeguardIds = new Set<string>();
  pack.safeguards.forEach((g, i) => {
    if (safeguardIds.has(g.id)) bad(['safeguards', i, 'id'], `safeguards: ${quote(g.id)} is defined twice`);
    safeguardIds.add(g.id);
    if (!standards.has(g.standard))
      bad(
        ['safeguards', i, 'standard'],
        `safeguards[${i}].standard: ${quote(g.standard)} is not one of the pack's standards`,
      );
    level(['safeguards', i, 'from'], g.from);
  });
  level(['reports', 'capability_from'], pack.reports.capability_from);
  level(['reports', 'safeguards_from'], pack.reports.safeguards_from);
  level(['reviews', 'internal_from'], pack.reviews.internal_from);
  level(['reviews', 'external_from'], pack.reviews.external_from);
  format2(pack, thresholds, level, bad);
  pack.signoff?.forEach((d, i) => level(['signoff', i, 'from_level'], d.from_level));
  if (findings.length > 0) return { ok: false, findings };
  return { ok: true, index: { pack, file: parsed.file, rank, thresholds } };
}

type Bad = (path: (string | number)[], msg: string, key?: boolean) => void;

/**
 * Cross-checks of the pack format 2 fields: names resolve, a halt or alert threshold requires no
 * level, an alert threshold is named by some artifact rule; and in a `format: 2` pack every level,
 * threshold, safeguard, artifact and research category has a source with a section, and the pack a
 * source naming its document and version.
 */
function format2(
  pack: Pack,
  thresholds: ReadonlyMap<string, Pack['thresholds'][number]>,
  level: (path: (string | number)[], l: string | undefined) => void,
  bad: Bad,
): void {
  const artifactIds = new Set<string>();
  const named = new Set<string>();
  pack.artifacts?.forEach((a, i) => {
    if (artifactIds.has(a.id)) bad(['artifacts', i, 'id'], `artifacts: ${quote(a.id)} is defined twice`);
    artifactIds.add(a.id);
    a.when.thresholds?.forEach((t, j) => {
      named.add(t);
      if (!thresholds.has(t))
        bad(
          ['artifacts', i, 'when', 'thresholds', j],
          `artifacts[${i}].when.thresholds: ${quote(t)} is not a threshold of the pack`,
        );
    });
    level(['artifacts', i, 'when', 'level_from'], a.when.level_from);
    if (a.per_threshold && !a.when.thresholds)
      bad(['artifacts', i, 'per_threshold'], `artifacts[${i}].per_threshold: needs when.thresholds`);
  });
  const researchIds = new Set<string>();
  pack.research_categories?.forEach((r, i) => {
    if (researchIds.has(r.id) || thresholds.has(r.id))
      bad(
        ['research_categories', i, 'id'],
        `research_categories: ${quote(r.id)} is defined twice, or is a threshold id`,
      );
    researchIds.add(r.id);
  });
  pack.thresholds.forEach((t, i) => {
    const kind = t.consequence ?? 'level';
    if (kind !== 'level' && Object.keys(t.requires).length > 0)
      bad(
        ['thresholds', i, 'requires'],
        `thresholds[${i}].requires: a threshold whose consequence is ${kind} requires no level (use {})`,
      );
    if (kind === 'alert' && !named.has(t.id))
      bad(
        ['thresholds', i, 'consequence'],
        `thresholds[${i}]: alert threshold ${t.id} is named by no artifact rule (artifacts[].when.thresholds), so reaching it would require nothing`,
      );
  });
  for (const l of Object.keys(pack.level_sources ?? {}))
    if (!pack.levels.includes(l))
      bad(['level_sources', l], `level_sources: ${quote(l)} is not one of the pack's levels`, true);
  if (pack.format !== 2) return;
  if (!pack.source?.document || !pack.source.version)
    bad(pack.source ? ['source'] : ['format'], 'a format-2 pack needs source.document and source.version');
  const needs = (path: (string | number)[], what: string, src: { section?: string | undefined } | undefined) => {
    if (!src?.section) bad(path, `${what} has no source.section (required in a format-2 pack)`);
  };
  pack.levels.forEach((l, i) => needs(['levels', i], `level ${l}`, pack.level_sources?.[l]));
  pack.thresholds.forEach((t, i) => needs(['thresholds', i], `threshold ${t.id}`, t.source));
  pack.safeguards.forEach((g, i) => needs(['safeguards', i], `safeguard ${g.id}`, g.source));
  pack.artifacts?.forEach((a, i) => needs(['artifacts', i], `artifact ${a.id}`, a.source));
  pack.research_categories?.forEach((r, i) => needs(['research_categories', i], `research category ${r.id}`, r.source));
  needs(['cadence'], 'cadence', pack.cadence.source);
  if (Object.keys(pack.reports).some((k) => k !== 'source')) needs(['reports'], 'reports', pack.reports.source);
  if (Object.keys(pack.reviews).some((k) => k !== 'source')) needs(['reviews'], 'reviews', pack.reviews.source);
}

// --- Sign-off by several roles (SPEC §1.3) ---------------------------------------------------------

/**
 * The config's `signoff:`, checked against the pack: every role a rule or `changes` names has a
 * `roles` entry, levels are the pack's, and every role the pack demands at a level is required
 * there (a config may add roles, never drop one). `rso:` and `approval.from_level` say the same
 * things as `signoff:` and may not be given beside it.
 */
function signoffSettings(
  config: Config,
  parsed: ParsedYaml,
  index: PackIndex,
): { ok: true; settings: SignoffSettings } | { ok: false; findings: Finding[] } {
  const so = config.signoff!;
  const findings: Finding[] = [];
  const bad = (path: (string | number)[], msg: string, key = false) =>
    findings.push(error('schema.invalid', msg, parsed.locate(path, { key })));
  if (config.rso)
    bad(['rso'], 'rso: with signoff:, say who holds the rso role in signoff.roles.rso (remove rso:)', true);
  if (config.approval?.from_level !== undefined)
    bad(
      ['approval', 'from_level'],
      'approval.from_level: with signoff:, the levels that need sign-off are the from_level of signoff.require (remove approval.from_level)',
      true,
    );
  const roles: Record<string, RoleHolders> = {};
  for (const [role, holders] of Object.entries(so.roles))
    roles[role] = { users: holders.users ?? [], teams: holders.teams ?? [] };
  const known = (path: (string | number)[], role: string) => {
    if (!Object.hasOwn(roles, role))
      bad(
        path,
        `${describePath('', path)}: ${quote(role)} has no entry in signoff.roles (roles: ${Object.keys(roles).map(quote).join(', ') || 'none'})`,
      );
  };
  const seen = new Map<string, number>();
  so.require.forEach((rule, i) => {
    if (!index.rank.has(rule.from_level))
      bad(
        ['signoff', 'require', i, 'from_level'],
        `signoff.require[${i}].from_level: expected one of ${index.pack.levels.map(quote).join(', ')} (the levels of ${index.pack.id})`,
      );
    else if (seen.has(rule.from_level))
      bad(
        ['signoff', 'require', i, 'from_level'],
        `signoff.require[${i}].from_level: ${quote(rule.from_level)} already has a rule (signoff.require[${seen.get(rule.from_level)}])`,
      );
    else seen.set(rule.from_level, i);
    rule.roles.forEach((r, j) => known(['signoff', 'require', i, 'roles', j], r));
  });
  so.changes?.forEach((r, j) => known(['signoff', 'changes', j], r));
  if (findings.length > 0) return { ok: false, findings };
  const require = so.require
    .map((r, i) => ({ fromLevel: r.from_level, roles: [...new Set(r.roles)], i }))
    .sort((a, b) => index.rank.get(a.fromLevel)! - index.rank.get(b.fromLevel)!);
  // What the pack demands, level by level: the rule that applies there must name each role.
  for (const demand of index.pack.signoff ?? []) {
    const from = index.rank.get(demand.from_level)!;
    for (const lvl of index.pack.levels.slice(from)) {
      const rule = ruleAt(require, index, lvl);
      const missing = demand.roles.filter((r) => !rule?.roles.includes(r));
      if (missing.length === 0) continue;
      const why = `the pack ${index.pack.id} demands ${missing.map(quote).join(' and ')} from ${demand.from_level}${demand.source ? ` (${demand.source})` : ''}; signoff may add roles, never drop one the pack demands`;
      if (!rule) bad(['signoff', 'require'], `signoff.require: no rule applies at ${lvl}, but ${why}`);
      else
        bad(
          ['signoff', 'require', rule.i, 'roles'],
          `signoff.require[${rule.i}].roles: the rule for ${lvl} lacks ${missing.map(quote).join(', ')}: ${why}`,
        );
      break;
    }
    for (const r of demand.roles) {
      if (!Object.hasOwn(roles, r))
        bad(
          ['signoff', 'roles'],
          `signoff.roles: no entry for ${quote(r)}, which the pack ${index.pack.id} demands from ${demand.from_level}; say who holds it`,
          true,
        );
    }
  }
  if (findings.length > 0) return { ok: false, findings: dedupe(findings) };
  const changes = so.changes ? [...new Set(so.changes)] : [...new Set(require.flatMap((r) => r.roles))];
  return {
    ok: true,
    settings: { roles, require: require.map(({ fromLevel, roles: rs }) => ({ fromLevel, roles: rs })), changes },
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.line}:${f.column}:${f.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
