import { error, warning, type Finding } from '../../findings.js';
import { quote } from '../../load/schemas/validate.js';
import type { ReleaseContext } from './context.js';

/**
 * Safeguards are cumulative per standard: the declared level requires its own and every lower
 * level's, each listed, `implemented`, and with evidence.
 */
export function safeguards(ctx: Pick<ReleaseContext, 'pack' | 'index' | 'declaration' | 'at' | 'levels'>): Finding[] {
  const { pack, declaration: d, at, levels } = ctx;
  const findings: Finding[] = [];
  const listed = new Map<string, number>();
  const packSafeguards = new Set(pack.safeguards.map((g) => g.id));
  d.safeguards?.forEach((g, i) => {
    if (listed.has(g.id))
      findings.push(
        error('schema.invalid', `safeguards[${i}].id: ${quote(g.id)} is listed twice`, at(['safeguards', i, 'id'])),
      );
    else listed.set(g.id, i);
    if (!packSafeguards.has(g.id)) {
      findings.push(
        warning(
          'schema.invalid',
          `safeguards[${i}].id: ${quote(g.id)} is not a safeguard of ${pack.id}; it is not checked`,
          at(['safeguards', i, 'id']),
        ),
      );
    }
  });
  for (const g of pack.safeguards) {
    const level = levels.rankOf(g.standard);
    if (level < ctx.index.rank.get(g.from)!) continue;
    const i = listed.get(g.id);
    const levelName = pack.levels[level] ?? 'the declared level';
    if (i === undefined) {
      findings.push(
        error(
          'safeguard.missing',
          `safeguard ${g.id} (${g.description}) is required at ${g.standard} ${levelName} but not listed`,
          at(d.safeguards ? ['safeguards'] : [], true),
        ),
      );
      continue;
    }
    const entry = d.safeguards![i];
    if (entry.status !== 'implemented') {
      findings.push(
        error(
          'safeguard.unverified',
          `safeguard ${g.id} is required at ${g.standard} ${levelName} but is ${entry.status}`,
          at(['safeguards', i, 'status']),
        ),
      );
    } else if (!entry.evidence) {
      findings.push(
        error('safeguard.unverified', `safeguard ${g.id} is implemented but gives no evidence`, at(['safeguards', i])),
      );
    }
  }
  return findings;
}
