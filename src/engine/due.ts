/**
 * What falls due (SPEC §3 `due`): the open assessments of each release, and the next comprehensive
 * assessment the pack's cadence asks of each threshold. Pure: it reads releases through the same
 * port and loader as `check`, and judges nothing.
 */
import { discover } from './check.js';
import { mapLimited, READ_CONCURRENCY } from '../load/concurrency.js';
import { addDays, dayNumber } from '../dates.js';
import type { Policy } from '../load/policy.js';
import { DEFAULT_CAPS, type Caps } from '../load/read-yaml.js';
import { loadRelease, type LoadedAssessment, type LoadedRelease } from '../load/release.js';
import { SafeStat } from '../load/safe-path.js';
import type { RepoSnapshot } from '../snapshot/port.js';

export type DueState = 'overdue' | 'due_soon' | 'upcoming';

/** The window of `due_soon` when none is given. */
export const DEFAULT_WITHIN_DAYS = 30;

/** One thing that falls due. The first seven fields are SPEC §3's JSON item; the rest feed the renderers. */
export interface DueItem {
  /** The release's declaration, relative to the repository root. */
  declaration: string;
  model: string;
  /** An open assessment (`assessment`), or the next comprehensive assessment the cadence requires. */
  what: 'assessment' | 'comprehensive';
  /** The assessment's id (only for `what: assessment`). */
  assessment?: string;
  /** For an assessment, the thresholds it covers as written; for `comprehensive`, in the pack's order. */
  thresholds: string[];
  /** YYYY-MM-DD. */
  due: string;
  state: DueState;
  /** The last day that is not overdue: `due` plus the config's grace days for an assessment, `due` for the cadence. */
  lastDay: string;
  /** The file to update: the assessment file, or the declaration that must list a new comprehensive assessment. */
  file: string;
  /** For `comprehensive`: the newest completed comprehensive assessment covering these thresholds, if any. */
  after?: { assessment: string; completed: string };
  /** For `comprehensive`: why it is due on this day. */
  reason?: 'interval' | 'none_completed' | 'compute';
}

/** A release whose due dates may be incomplete, because it (or one of its assessments) could not be read. */
export interface UnreadRelease {
  declaration: string;
  /** How many reading problems it has; `asl-gate check` names them. */
  problems: number;
}

export interface DueReport {
  /** The day judged, YYYY-MM-DD. */
  today: string;
  within: number;
  items: DueItem[];
  unread: UnreadRelease[];
}

export interface DueOptions {
  snapshot: RepoSnapshot;
  policy: Policy;
  today: string;
  /** Days ahead that count as `due_soon` (default 30). */
  within?: number;
  /** Exactly these declaration paths; default: every declaration the config's `releases` globs find. */
  declarations?: string[];
  caps?: Caps;
}

/** Find and read the releases, and list what falls due in them, sorted by date. Never throws on bad input. */
export async function dueInRepository(opts: DueOptions): Promise<DueReport> {
  const caps = opts.caps ?? DEFAULT_CAPS;
  const safe = new SafeStat(opts.snapshot);
  const declarations =
    opts.declarations ?? (await discover(opts.snapshot, opts.policy.settings.releases, safe)).declarations;
  const releases = await mapLimited(declarations, READ_CONCURRENCY, (d) => loadRelease(opts.snapshot, d, caps, safe));
  const within = opts.within ?? DEFAULT_WITHIN_DAYS;
  const unread: UnreadRelease[] = [];
  for (const r of releases) {
    const listed = r.declaration?.data.assessments?.length ?? 0;
    if (!r.declaration || r.assessments.length < listed)
      unread.push({ declaration: r.file, problems: r.findings.length });
  }
  return {
    today: opts.today,
    within,
    items: sortDueItems(releases.flatMap((r) => dueItems(r, opts.policy, opts.today, within))),
    unread,
  };
}

/**
 * What falls due in one loaded release:
 * - every assessment not completed, due on its `due`, overdue after `due` + `grace_days` (exactly
 *   when `check` reports `evaluation.overdue`);
 * - per threshold of the pack, the next comprehensive assessment: `comprehensive_max_age_days`
 *   after the newest completed comprehensive assessment covering it, overdue the day after (when
 *   `check` reports `evaluation.stale`; the cadence has no grace). With none completed, or when the
 *   declaration says effective compute reached the pack's multiple, it is due on `release_date`:
 *   `check` fails the release without one. Thresholds due on the same day share one item. A pack
 *   cadence without an interval gives no comprehensive item.
 */
export function dueItems(
  release: LoadedRelease,
  policy: Policy,
  today: string,
  within: number = DEFAULT_WITHIN_DAYS,
): DueItem[] {
  const decl = release.declaration?.data;
  if (!decl) return [];
  const grace = policy.settings.graceDays;
  const base = { declaration: release.file, model: decl.model };
  const items: DueItem[] = [];

  // Assessments by id, the first of a duplicated id winning, as `check` reads them.
  const byId = new Map<string, LoadedAssessment>();
  for (const a of release.assessments) if (!byId.has(a.data.id)) byId.set(a.data.id, a);

  for (const a of byId.values()) {
    if (a.data.completed) continue;
    const lastDay = addDays(a.data.due, grace);
    items.push({
      ...base,
      what: 'assessment',
      assessment: a.data.id,
      thresholds: [...a.data.thresholds],
      due: a.data.due,
      state: stateOf(a.data.due, lastDay, today, within),
      lastDay,
      file: a.file,
    });
  }

  const { pack } = policy.pack;
  // Read as optional: a pack format with cadences that have no interval is planned (see the frameworks issue).
  const maxAge = (pack.cadence as { comprehensive_max_age_days?: number }).comprehensive_max_age_days;
  if (maxAge === undefined) return items;
  const multiple = (pack.cadence as { effective_compute_multiple?: number }).effective_compute_multiple;
  const computeReached = multiple !== undefined && (decl.effective_compute_since_last_comprehensive ?? 0) >= multiple;

  // Thresholds due on the same day share one item.
  const byDay = new Map<string, DueItem>();
  for (const threshold of pack.thresholds) {
    let newest: LoadedAssessment | undefined;
    for (const a of byId.values()) {
      if (a.data.kind !== 'comprehensive' || !a.data.completed || !a.data.thresholds.includes(threshold.id)) continue;
      if (!newest || a.data.completed > newest.data.completed!) newest = a;
    }
    let due: string;
    let reason: DueItem['reason'];
    if (!newest) {
      due = decl.release_date;
      reason = 'none_completed';
    } else {
      due = addDays(newest.data.completed!, maxAge);
      reason = 'interval';
      if (computeReached && decl.release_date < due) {
        due = decl.release_date;
        reason = 'compute';
      }
    }
    const item = byDay.get(due);
    if (item) {
      item.thresholds.push(threshold.id);
      // Several reasons or several previous assessments for one day: the renderers then say none.
      if (item.reason !== reason) delete item.reason;
      if (item.after?.assessment !== newest?.data.id) delete item.after;
      continue;
    }
    const fresh: DueItem = {
      ...base,
      what: 'comprehensive',
      thresholds: [threshold.id],
      due,
      state: stateOf(due, due, today, within),
      lastDay: due,
      file: release.file,
      reason,
      ...(newest ? { after: { assessment: newest.data.id, completed: newest.data.completed! } } : {}),
    };
    byDay.set(due, fresh);
    items.push(fresh);
  }
  return items;
}

/** `overdue` after the last day; `due_soon` when due within `within` days (or past due, in grace); else `upcoming`. */
export function stateOf(due: string, lastDay: string, today: string, within: number): DueState {
  if (today > lastDay) return 'overdue';
  return dayNumber(due) - dayNumber(today) <= within ? 'due_soon' : 'upcoming';
}

/** By due day, then declaration, then assessments before the cadence, then assessment id or thresholds. */
export function sortDueItems(items: DueItem[]): DueItem[] {
  const key = (i: DueItem) => [i.due, i.declaration, i.what, i.assessment ?? '', i.thresholds.join(',')];
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}

/** Days from `today` to `day` (negative when past). */
export function daysUntil(day: string, today: string): number {
  return dayNumber(day) - dayNumber(today);
}
