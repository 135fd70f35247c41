import { didYouMean } from '../../suggest.js';
import { error, type Finding, type Location } from '../../findings.js';
import type { LoadedAssessment } from '../../load/release.js';
import { quote } from '../../load/schemas/validate.js';
import { evidenceFor, newestComprehensive } from './evidence.js';
import { SEVERITY, sourceText, type ReleaseContext } from './context.js';
import type { Pack } from '../../load/schemas/index.js';

/**
 * Levels and thresholds: every pack threshold needs an entry resting on completed assessments that
 * cover it, and a status no milder than the release's evidence; a threshold not ruled out requires
 * the levels the pack names for it, and a declared level below that is understated.
 */
export function levelsAndThresholds(
  ctx: ReleaseContext,
  entries: ReadonlyMap<string, number>,
): { findings: Finding[]; required: Record<string, string>; reached: Set<string> } {
  const { pack, index, declaration: d, at, levels } = ctx;
  const findings: Finding[] = [];
  /** Thresholds an assessment or the declaration shows not ruled out (not merely unassessed). */
  const reached = new Set<string>();
  const required = new Map<
    string,
    { rank: number; because: Array<{ rank: number; text: string; unreadable: boolean }> }
  >();
  for (const s of pack.standards) required.set(s, { rank: 0, because: [] });
  const unknownIds = citedUnknownIds(ctx);
  // No `thresholds` at all is one finding, not one per threshold of the pack.
  if (!d.thresholds)
    findings.push(
      error(
        'threshold.unassessed',
        `the declaration has no thresholds; it needs an entry for each of ${pack.thresholds.map((t) => t.id).join(', ')}`,
        at([]),
      ),
    );
  for (const threshold of pack.thresholds) {
    const evidence = evidenceFor(ctx.assessments.values(), threshold.id);
    const i = entries.get(threshold.id);
    // The evidence sets what a threshold requires; with none, it fails closed as not ruled out.
    let severity: number = evidence ? SEVERITY[evidence.status] : SEVERITY.not_ruled_out;
    let label: string = evidence ? evidence.status : 'unassessed';
    if (i === undefined) {
      // One finding for a missing entry: `cadence` leaves a threshold with no entry and no comprehensive assessment to this one.
      const noComprehensive = newestComprehensive(ctx.assessments.values(), threshold.id)
        ? ''
        : ', and no completed comprehensive assessment of the release covers it';
      if (d.thresholds)
        findings.push(
          error(
            'threshold.unassessed',
            `threshold ${threshold.id} has no entry under thresholds${noComprehensive}`,
            at(['thresholds'], true),
          ),
        );
    } else {
      const entry = d.thresholds![i];
      const status = () => at(['thresholds', i, 'status']);
      const cited = (entry.assessments ?? []).map((id) => ctx.assessments.get(id));
      const supporting = cited.filter(
        (a): a is LoadedAssessment =>
          a !== undefined && a.data.thresholds.includes(threshold.id) && Boolean(a.data.completed),
      );
      // A citation of an id the release lacks is reported once per id (citedUnknownIds), not again here.
      if (supporting.length === 0 && cited.every((a) => a !== undefined)) {
        const noComprehensive = newestComprehensive(ctx.assessments.values(), threshold.id)
          ? ''
          : ', nor does any completed comprehensive assessment of the release';
        // Name the cited assessments that would cover it once completed: the stubs `init` writes.
        const pending = cited
          .filter((a): a is LoadedAssessment => a !== undefined && a.data.thresholds.includes(threshold.id))
          .map((a) => `${a.data.id} (${a.file})`);
        const toComplete =
          pending.length === 0
            ? ''
            : `; it cites ${pending.join(', ')}, which ${pending.length === 1 ? 'is' : 'are'} not completed: ` +
              `set \`completed\` and \`result\` there (see \`asl-gate explain ${threshold.id}\`)`;
        findings.push(
          error(
            'threshold.unassessed',
            `threshold ${threshold.id} is declared ${entry.status} but no completed assessment it cites covers it${noComprehensive}${toComplete}`,
            status,
          ),
        );
      }
      const contradicted = new Set<LoadedAssessment>();
      for (const a of supporting) {
        const found = a.data.result?.[threshold.id];
        if (found === undefined) continue;
        if (found !== entry.status) {
          contradicted.add(a);
          findings.push(
            error(
              'threshold.contradicted',
              `threshold ${threshold.id} is declared ${entry.status}, but assessment ${a.data.id} found ${found}`,
              status,
            ),
          );
        }
        if (SEVERITY[found] > severity) [severity, label] = [SEVERITY[found], found];
      }
      if (evidence && SEVERITY[evidence.status] > SEVERITY[entry.status] && !contradicted.has(evidence.by)) {
        findings.push(
          error(
            'threshold.contradicted',
            `threshold ${threshold.id} is declared ${entry.status}, but assessment ${evidence.by.data.id} found ${evidence.status}; ` +
              `the newest comprehensive assessment of a threshold and every assessment completed since decide its status, cited or not`,
            status,
          ),
        );
      }
      if (SEVERITY[entry.status] > severity) [severity, label] = [SEVERITY[entry.status], entry.status];
    }
    if (severity === SEVERITY.ruled_out) continue;
    if (label !== 'unassessed') reached.add(threshold.id);
    // Pack format 2: a halt or alert threshold sets no level (an alert's artifacts are rules/artifacts.ts).
    const consequence = threshold.consequence ?? 'level';
    if (consequence === 'halt' && label !== 'unassessed') findings.push(halted(ctx, threshold, label, i));
    if (consequence !== 'level') continue;
    for (const [s, level] of Object.entries(threshold.requires)) {
      const req = required.get(s)!;
      const r = index.rank.get(level)!;
      if (r > req.rank) req.rank = r;
      req.because.push({
        rank: r,
        text: `${threshold.id} (${label}) requires ${level}`,
        unreadable: !evidence && ctx.unreadable.files.length > 0,
      });
    }
  }
  findings.push(...unknownIds);
  for (const s of pack.standards) {
    const req = required.get(s)!;
    const have = levels.rankOf(s);
    // A threshold with no evidence while an assessment file could not be read counts as not ruled
    // out for `required`, but is not reported as understating a level: that file's findings are the cause.
    const reasons = req.because.filter((b) => b.rank > have && !b.unreadable);
    if (have >= 0 && reasons.length > 0) {
      const needed = pack.levels[Math.max(...reasons.map((b) => b.rank))];
      findings.push(
        error(
          'level.understated',
          `declared ${s} ${pack.levels[have]} is below the required ${needed}: ${reasons.map((b) => b.text).join('; ')}`,
          at(['declared', s]),
        ),
      );
    }
  }
  return {
    findings,
    required: Object.fromEntries(pack.standards.map((s) => [s, pack.levels[required.get(s)!.rank]])),
    reached,
  };
}

/** `threshold.halt`: not ruled out, a halt threshold stops the release whatever its levels (never downgraded). */
function halted(
  ctx: ReleaseContext,
  threshold: Pack['thresholds'][number],
  label: string,
  entry: number | undefined,
): Finding {
  return error(
    'threshold.halt',
    `threshold ${threshold.id} is ${label}: ${ctx.pack.id} requires halting further development until it is ruled out${sourceText(ctx.pack, threshold.source)}`,
    ctx.at(entry === undefined ? ['thresholds'] : ['thresholds', entry, 'status'], entry === undefined),
  );
}

/** The declaration's entry (its index under `thresholds`) for each pack threshold; unknown and repeated ids are findings. */
export function thresholdEntries(ctx: Pick<ReleaseContext, 'index' | 'declaration' | 'at'>): {
  entries: Map<string, number>;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const entries = new Map<string, number>();
  ctx.declaration.thresholds?.forEach((t, i) => {
    const where = () => ctx.at(['thresholds', i, 'id']);
    if (!ctx.index.thresholds.has(t.id))
      findings.push(
        error(
          'schema.invalid',
          `thresholds[${i}].id: ${quote(t.id)} is not a threshold of ${ctx.index.pack.id}`,
          where,
        ),
      );
    else if (entries.has(t.id))
      findings.push(error('schema.invalid', `thresholds[${i}].id: ${quote(t.id)} has an entry already`, where));
    else entries.set(t.id, i);
  });
  return { entries, findings };
}

/**
 * One `threshold.unassessed` per cited id that is no assessment of the release, at its first
 * citation, naming the closest id: a mistyped id is one finding, however often it is cited. An id
 * of an assessment file that failed the schema is left to that file's findings.
 */
function citedUnknownIds(ctx: Pick<ReleaseContext, 'declaration' | 'assessments' | 'unreadable' | 'at'>): Finding[] {
  const citers = new Map<string, { at: Location; thresholds: string[] }>();
  ctx.declaration.thresholds?.forEach((t, i) => {
    t.assessments?.forEach((id, j) => {
      if (ctx.assessments.has(id) || ctx.unreadable.ids.has(id)) return;
      const c = citers.get(id);
      if (!c) citers.set(id, { at: ctx.at(['thresholds', i, 'assessments', j]), thresholds: [t.id] });
      else if (!c.thresholds.includes(t.id)) c.thresholds.push(t.id);
    });
  });
  const unread =
    ctx.unreadable.files.length > 0
      ? `; it may be in ${ctx.unreadable.files.map(quote).join(', ')}, which could not be read`
      : '';
  return [...citers].map(([id, c]) =>
    error(
      'threshold.unassessed',
      `${quote(id)} is not an assessment of this release${unread}, cited for ${c.thresholds.join(', ')}${didYouMean(id, ctx.assessments.keys())}`,
      c.at,
    ),
  );
}
