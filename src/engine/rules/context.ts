import type { Location } from '../../findings.js';
import type { PackIndex, Settings } from '../../load/policy.js';
import type { LoadedAssessment } from '../../load/release.js';
import type { Declaration, Pack } from '../../load/schemas/index.js';
import type { YamlPath } from '../../load/yaml/safe-yaml.js';

/** Where a node of the declaration is: `key` points at the key rather than its value. */
export type At = (path: YamlPath, key?: boolean) => Location;

/** The levels a declaration declares, as ranks in the pack's order. */
export interface DeclaredLevels {
  /** Standard -> level name, for the standards with a valid level. */
  names: Record<string, string>;
  /** Rank of the standard's declared level; -1 (below the lowest) when it has no valid level. */
  rankOf(standard: string): number;
  /** True when the declared level of any standard is at or above `from` (false when `from` is unset). */
  atOrAbove(from: string | undefined): boolean;
}

/** What the rules read: one release's declaration, judged by one pack on one day. */
export interface ReleaseContext {
  pack: Pack;
  /** Level ranks and thresholds by id. */
  index: PackIndex;
  settings: Settings;
  /** The day of the check, YYYY-MM-DD (UTC). */
  today: string;
  declaration: Declaration;
  at: At;
  levels: DeclaredLevels;
  /** The release's readable assessments by id (the first of a duplicated id). */
  assessments: ReadonlyMap<string, LoadedAssessment>;
  /** Assessment files listed but not read, and the ids those that failed only the schema name: their own findings report them. */
  unreadable: { files: readonly string[]; ids: ReadonlySet<string> };
}

export const SEVERITY = { ruled_out: 0, not_ruled_out: 1, crossed: 2 } as const;

/** "1 day", "3 days". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

type Source = NonNullable<Pack['source']>;

/** " (OpenAI Preparedness Framework 2, §2.2 Table 1)": where a pack-format-2 rule comes from, for messages; "" without one. */
export function sourceText(pack: Pack, src: Source | undefined): string {
  if (!src?.section) return '';
  const doc = [src.document ?? pack.source?.document, src.version ?? pack.source?.version].filter(Boolean).join(' ');
  return ` (${doc ? `${doc}, ` : ''}${src.section})`;
}
