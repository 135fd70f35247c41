import type { AcknowledgedNoncompliance } from '../evaluate.js';
import { error, FINDING_CODES, type Finding } from '../findings.js';
import { quote } from '../schemas/validate.js';
import type { ReleaseContext } from './context.js';

/**
 * Noncompliance the lab reports about itself: each entry must name a finding code and, when it
 * names one, an assessment of the release. Only `evaluation.late` of a named assessment is
 * acknowledged (turned into a warning by `timeliness`); nothing else downgrades an error.
 */
export function noncompliance(ctx: Pick<ReleaseContext, 'declaration' | 'assessments' | 'at'>): {
  findings: Finding[];
  acknowledged: AcknowledgedNoncompliance[];
  /** Assessment id -> the reason its lateness is acknowledged. */
  lateAcknowledged: Map<string, string>;
} {
  const findings: Finding[] = [];
  const acknowledged: AcknowledgedNoncompliance[] = [];
  const lateAcknowledged = new Map<string, string>();
  ctx.declaration.noncompliance?.forEach((n, i) => {
    if (!(FINDING_CODES as readonly string[]).includes(n.finding)) {
      findings.push(error('schema.invalid', `noncompliance[${i}].finding: ${quote(n.finding)} is not a finding code`, ctx.at(['noncompliance', i, 'finding'])));
    }
    if (n.assessment !== undefined && !ctx.assessments.has(n.assessment)) {
      findings.push(error('schema.invalid', `noncompliance[${i}].assessment: no assessment of this release has id ${quote(n.assessment)}`, ctx.at(['noncompliance', i, 'assessment'])));
    }
    if (n.finding === 'evaluation.late' && n.assessment !== undefined) lateAcknowledged.set(n.assessment, n.reason);
    acknowledged.push({ finding: n.finding, ...(n.assessment !== undefined ? { assessment: n.assessment } : {}), reason: n.reason });
  });
  return { findings, acknowledged, lateAcknowledged };
}
