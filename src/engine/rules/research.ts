import { error, warning, type Finding } from '../../findings.js';
import { quote } from '../../load/schemas/validate.js';
import { sourceText, type ReleaseContext } from './context.js';

/**
 * Research categories (pack format 2): assessed and reported, they never set or raise a level. A
 * category the declaration does not report under `research:` is `research.unreported` at the
 * category's `report` severity (nothing when `optional`).
 */
export function research(ctx: Pick<ReleaseContext, 'pack' | 'declaration' | 'at'>): Finding[] {
  const { pack, declaration: d, at } = ctx;
  const findings: Finding[] = [];
  const categories = pack.research_categories ?? [];
  const reported = new Set<string>();
  d.research?.forEach((r, i) => {
    if (reported.has(r.id))
      findings.push(
        error('schema.invalid', `research[${i}].id: ${quote(r.id)} is listed twice`, at(['research', i, 'id'])),
      );
    reported.add(r.id);
    if (!categories.some((c) => c.id === r.id))
      findings.push(
        warning(
          'schema.invalid',
          `research[${i}].id: ${quote(r.id)} is not a research category of ${pack.id}; it is not checked`,
          at(['research', i, 'id']),
        ),
      );
  });
  for (const c of categories) {
    if (c.report === 'optional' || reported.has(c.id)) continue;
    const make = c.report === 'error' ? error : warning;
    findings.push(
      make(
        'research.unreported',
        `research category ${c.id} (${c.description}) is not reported; add it under research with its report${sourceText(pack, c.source)}`,
        () => at(d.research ? ['research'] : [], true),
      ),
    );
  }
  return findings;
}
