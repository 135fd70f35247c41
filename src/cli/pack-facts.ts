/**
 * What a pack requires, read from its data: the engine and the CLI know no level, threshold or
 * safeguard by name. Used by `explain` and `init`.
 */
import type { PackIndex } from '../policy.js';
import type { Pack } from '../schemas/index.js';

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
  return pack.pack.thresholds.filter((t) => t.requires[g.standard] !== undefined && atOrAbove(pack, t.requires[g.standard]!, g.from));
}

export function requiresText(t: Threshold): string {
  return Object.entries(t.requires).map(([s, l]) => `${s} ${l}`).join(', ');
}
