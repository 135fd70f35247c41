/**
 * What a pack requires, read from its data: the engine and the CLI know no level, threshold or
 * safeguard by name. Used by `explain` and `init`.
 */
import type { PackIndex } from '../src/load/policy.js';
import type { Pack } from '../src/load/schemas/index.js';

export type Threshold = Pack['thresholds'][number];
export type Safeguard = Pack['safeguards'][number];

/** Whether `level` is at or above `from` (an absent `from` never applies). */
export function atOrAbove(pack: PackIndex, level: string, from: string | undefined): boolean {
  return from !== undefined && pack.rank.get(level)! >= pack.rank.get(from)!;
}

/** The safeguards a standard declared at `level` requires (cumulative: every lower level's too). */
export function safeguardsFor(pack: PackIndex, standard: string, level: string): Safeguard[] {
  return pack.pack.safeguards.filter((g) => g.standard === standard && atOrAbove(pack, level, g.from));
}

/** Whether declaring every standard at `level` meets what `t` requires when not ruled out. */
export function levelCovers(pack: PackIndex, level: string, t: Threshold): boolean {
  // A halt threshold (pack format 2) is never covered: no level lets it stay not ruled out.
  if (t.consequence === 'halt') return false;
  return Object.values(t.requires).every((req) => atOrAbove(pack, level, req));
}

/** The documents a release declared at `level` on every standard needs. */
export function documentsFor(pack: PackIndex, level: string) {
  const p = pack.pack;
  return {
    capabilityReport: atOrAbove(pack, level, p.reports.capability_from),
    safeguardsReports: atOrAbove(pack, level, p.reports.safeguards_from) ? [...p.standards] : [],
    internalReview: atOrAbove(pack, level, p.reviews.internal_from),
    externalReview: atOrAbove(pack, level, p.reviews.external_from),
  };
}

/** The thresholds that, when not ruled out, require `standard` at `safeguard.from` or above. */
export function thresholdsRequiring(pack: PackIndex, g: Safeguard): Threshold[] {
  return pack.pack.thresholds.filter(
    (t) => t.requires[g.standard] !== undefined && atOrAbove(pack, t.requires[g.standard], g.from),
  );
}

export function requiresText(t: Threshold): string {
  if (t.consequence === 'halt') return 'no level: not ruled out halts the release';
  if (t.consequence === 'alert') return 'no level: an alert, see its artifacts';
  return Object.entries(t.requires)
    .map(([s, l]) => `${s} ${l}`)
    .join(', ');
}

type Source = NonNullable<Pack['source']>;

/** " [§2 Table 1]": the section an entry of a format-2 pack cites (with its version when it differs from the pack's); "" without one. */
export function sourceTag(pack: Pack, src: Source | undefined): string {
  if (!src?.section) return '';
  const other =
    src.version !== undefined && src.version !== pack.source?.version
      ? `${src.document ?? pack.source?.document ?? ''} ${src.version}, `.trimStart()
      : '';
  return ` [${other}${src.section}${src.note ? `; ${src.note}` : ''}]`;
}

/** The pack's own source: "Anthropic Responsible Scaling Policy 2.2 (2025-05-14) https://…"; undefined without one. */
export function packSourceText(pack: Pack): string | undefined {
  const s = pack.source;
  if (!s) return undefined;
  return [[s.document, s.version].filter(Boolean).join(' '), s.date ? `(${s.date})` : '', s.url ?? '']
    .filter(Boolean)
    .join(' ');
}
