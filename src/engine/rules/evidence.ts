import type { LoadedAssessment } from '../../load/release.js';
import type { ThresholdStatus } from '../../load/schemas/index.js';
import { SEVERITY } from './context.js';

/** What the release's evidence says of one threshold, at its worst (SPEC §2 "What a threshold requires"). */
export interface Evidence {
  status: ThresholdStatus;
  /** The assessment that found it (the first completed, of those that found the worst). */
  by: LoadedAssessment;
}

/**
 * The most severe `result` for `threshold` among the newest completed comprehensive assessment
 * that covers it and every assessment completed on or after that day, cited by the declaration or
 * not; every completed assessment covering it when none is comprehensive. Undefined when no
 * completed assessment of the release has a result for it.
 */
export function evidenceFor(assessments: Iterable<LoadedAssessment>, threshold: string): Evidence | undefined {
  const list = [...assessments];
  const since = newestComprehensive(list, threshold)?.data.completed;
  let worst: Evidence | undefined;
  for (const a of list) {
    const completed = a.data.completed;
    const found = a.data.result?.[threshold];
    if (!completed || found === undefined || !a.data.thresholds.includes(threshold)) continue;
    // The same day counts as after: which of two assessments completed on one day came last is unknown.
    if (since && completed < since) continue;
    if (
      !worst ||
      SEVERITY[found] > SEVERITY[worst.status] ||
      (found === worst.status && completed < worst.by.data.completed!)
    )
      worst = { status: found, by: a };
  }
  return worst;
}

/** The completed comprehensive assessment covering `threshold` completed last (the first of a tie). */
export function newestComprehensive(
  assessments: Iterable<LoadedAssessment>,
  threshold: string,
): LoadedAssessment | undefined {
  let newest: LoadedAssessment | undefined;
  for (const a of assessments) {
    if (a.data.kind !== 'comprehensive' || !a.data.completed || !a.data.thresholds.includes(threshold)) continue;
    if (!newest || a.data.completed > newest.data.completed!) newest = a;
  }
  return newest;
}
