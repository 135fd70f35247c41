import { dayNumber } from '../../dates.js';
import { error, type Finding } from '../../findings.js';
import { plural, type ReleaseContext } from './context.js';
import { evidenceFor, newestComprehensive } from './evidence.js';

/**
 * Cadence: every threshold needs a comprehensive assessment recent enough at the later of
 * `release_date` and the day of the check (a release cannot be backdated into freshness), and a
 * new one once effective compute since the last reached the pack's multiple.
 */
export function cadence(
  ctx: Pick<ReleaseContext, 'pack' | 'declaration' | 'at' | 'assessments' | 'today'>,
  entries: ReadonlyMap<string, number>,
): Finding[] {
  const { pack, declaration: d, at } = ctx;
  const findings: Finding[] = [];
  const releaseN = dayNumber(d.release_date);
  const todayN = dayNumber(ctx.today);
  const judgedAt =
    todayN > releaseN
      ? `the check day ${ctx.today} (after release_date ${d.release_date})`
      : `release_date ${d.release_date}`;
  const maxAge = pack.cadence.comprehensive_max_age_days;
  for (const threshold of pack.thresholds) {
    const newest = newestComprehensive(ctx.assessments.values(), threshold.id);
    if (!newest) {
      // Only when some completed assessment covers it: with none, levelsAndThresholds reports the
      // threshold unassessed, and says this too (one finding per root cause).
      const i = entries.get(threshold.id);
      if (i !== undefined && evidenceFor(ctx.assessments.values(), threshold.id)) {
        findings.push(
          error(
            'evaluation.stale',
            `threshold ${threshold.id} has no completed comprehensive assessment`,
            at(['thresholds', i]),
          ),
        );
      }
      continue;
    }
    // No interval (pack format 2, e.g. every covered deployment): only this release's own assessments count.
    if (maxAge === undefined) continue;
    const age = Math.max(releaseN, todayN) - dayNumber(newest.data.completed!);
    if (age > maxAge) {
      findings.push(
        error(
          'evaluation.stale',
          `the newest comprehensive assessment of ${threshold.id} (${newest.data.id}, completed ${newest.data.completed}) is ${plural(age, 'day')} old at ${judgedAt}; the policy allows ${maxAge}`,
          newest.parsed.locate(['completed']),
        ),
      );
    }
  }
  const compute = d.effective_compute_since_last_comprehensive;
  const multiple = pack.cadence.effective_compute_multiple;
  if (compute !== undefined && multiple !== undefined && compute >= multiple) {
    findings.push(
      error(
        'evaluation.stale',
        `effective compute grew ${compute}x since the last comprehensive assessment; the policy requires a new one at ${multiple}x`,
        at(['effective_compute_since_last_comprehensive']),
      ),
    );
  }
  return findings;
}
