import { error, type Finding } from '../../findings.js';
import { quote } from '../../load/schemas/validate.js';
import { sourceText, type ReleaseContext } from './context.js';

/**
 * Reports and reviews: a capability report and an internal review from the pack's level, a
 * safeguards report per standard declared at or above `safeguards_from`, and an external review
 * with a receipt from `external_from`.
 */
export function reportsAndReviews(
  ctx: Pick<ReleaseContext, 'pack' | 'index' | 'declaration' | 'at' | 'levels'>,
): Finding[] {
  const { pack, declaration: d, at, levels } = ctx;
  const findings: Finding[] = [];
  const reportsAt = () => at(d.reports ? ['reports'] : [], true);
  const reviewsAt = () => at(d.reviews ? ['reviews'] : [], true);
  if (levels.atOrAbove(pack.reports.capability_from) && !d.reports?.capability) {
    findings.push(error('report.missing', 'a capability report is required (reports.capability)', reportsAt));
  }
  for (const s of Object.keys(d.reports?.safeguards ?? {})) {
    if (!pack.standards.includes(s))
      findings.push(
        error(
          'schema.invalid',
          `reports.safeguards: ${quote(s)} is not a standard of ${pack.id}`,
          at(['reports', 'safeguards', s], true),
        ),
      );
  }
  const safeguardsFrom = pack.reports.safeguards_from;
  if (safeguardsFrom !== undefined) {
    for (const s of pack.standards) {
      if (levels.rankOf(s) >= ctx.index.rank.get(safeguardsFrom)! && !d.reports?.safeguards?.[s]) {
        findings.push(
          error(
            'report.missing',
            `a ${s} safeguards report is required at ${pack.levels[levels.rankOf(s)]} (reports.safeguards.${s})`,
            reportsAt,
          ),
        );
      }
    }
  }
  if (levels.atOrAbove(pack.reviews.internal_from) && !d.reviews?.internal?.length) {
    findings.push(error('review.missing', 'at least one internal review is required (reviews.internal)', reviewsAt));
  }
  // Pack format 2: `external_receipt: false` lets evidence of solicited input count instead of a receipt.
  const receiptOnly = pack.reviews.external_receipt !== false;
  if (
    levels.atOrAbove(pack.reviews.external_from) &&
    !d.reviews?.external?.some((r) => r.receipt || (!receiptOnly && r.evidence))
  ) {
    findings.push(
      error(
        'review.missing',
        receiptOnly
          ? `at least one external review with a receipt is required at ${pack.reviews.external_from} (reviews.external[].receipt)`
          : `at least one external review with evidence of the input is required at ${pack.reviews.external_from} (reviews.external[].evidence or .receipt)${sourceText(pack, pack.reviews.source)}`,
        reviewsAt,
      ),
    );
  }
  return findings;
}
