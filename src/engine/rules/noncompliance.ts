import { dayNumber } from '../../dates.js';
import { didYouMean } from '../../suggest.js';
import type { AcknowledgedNoncompliance } from '../evaluate.js';
import { error, FINDING_CODES, warning, type Finding } from '../../findings.js';
import { quote } from '../../load/schemas/validate.js';
import { plural, type ReleaseContext } from './context.js';

/** The one finding a noncompliance entry can turn into a warning (SPEC §2). */
const ACKNOWLEDGEABLE = 'evaluation.late';

/**
 * Noncompliance the lab reports about itself. An entry acknowledges the `evaluation.late` of one
 * named assessment of the release, which `timeliness` then reports as a warning; nothing else
 * downgrades an error. An entry that cannot apply is a finding: a code that is not a finding code
 * or cannot be downgraded, or a missing or unknown assessment, is `schema.invalid` (an error); an
 * assessment that was not late is a `schema.invalid` warning, since the entry then changes nothing
 * (it still makes RSO approval required, as every entry does).
 */
export function noncompliance(
  ctx: Pick<ReleaseContext, 'declaration' | 'assessments' | 'unreadable' | 'settings' | 'at'>,
): {
  findings: Finding[];
  acknowledged: AcknowledgedNoncompliance[];
  /** Assessment id -> the reason its lateness is acknowledged. */
  lateAcknowledged: Map<string, string>;
} {
  const findings: Finding[] = [];
  const acknowledged: AcknowledgedNoncompliance[] = [];
  const lateAcknowledged = new Map<string, string>();
  ctx.declaration.noncompliance?.forEach((n, i) => {
    const invalid = (path: (string | number)[], msg: string) =>
      findings.push(
        error(
          'schema.invalid',
          `noncompliance[${i}]${path.length ? '.' : ''}${path.join('.')}: ${msg}`,
          ctx.at(['noncompliance', i, ...path]),
        ),
      );
    acknowledged.push({
      finding: n.finding,
      ...(n.assessment !== undefined ? { assessment: n.assessment } : {}),
      reason: n.reason,
    });
    if (!(FINDING_CODES as readonly string[]).includes(n.finding)) {
      invalid(['finding'], `${quote(n.finding)} is not a finding code${didYouMean(n.finding, FINDING_CODES)}`);
      return;
    }
    if (n.finding !== ACKNOWLEDGEABLE) {
      invalid(
        ['finding'],
        `${n.finding} cannot be acknowledged; only ${ACKNOWLEDGEABLE} turns into a warning, and nothing else downgrades an error`,
      );
      return;
    }
    if (n.assessment === undefined) {
      invalid([], `names no assessment; an ${ACKNOWLEDGEABLE} entry acknowledges the lateness of one assessment`);
      return;
    }
    const a = ctx.assessments.get(n.assessment);
    if (!a) {
      // An assessment file that failed the schema has its own findings; its lateness is unknown.
      if (!ctx.unreadable.ids.has(n.assessment))
        invalid(
          ['assessment'],
          `no assessment of this release has id ${quote(n.assessment)}${didYouMean(n.assessment, ctx.assessments.keys())}`,
        );
      return;
    }
    lateAcknowledged.set(n.assessment, n.reason);
    const completed = a.data.completed;
    const late = completed ? dayNumber(completed) - dayNumber(a.data.due) - ctx.settings.graceDays : 0;
    if (late <= 0) {
      const state = completed
        ? `was completed ${completed}, on time (due ${a.data.due}${ctx.settings.graceDays > 0 ? ` + ${plural(ctx.settings.graceDays, 'grace day')}` : ''})`
        : `is not completed`;
      findings.push(
        warning(
          'schema.invalid',
          `noncompliance[${i}]: assessment ${a.data.id} ${state}, so this entry acknowledges nothing`,
          ctx.at(['noncompliance', i, 'assessment']),
        ),
      );
    }
  });
  return { findings, acknowledged, lateAcknowledged };
}
