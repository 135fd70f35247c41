import { error, warning, type Finding } from '../../findings.js';
import { quote } from '../../load/schemas/validate.js';
import { sourceText, type ReleaseContext } from './context.js';

/**
 * Artifacts (pack format 2): a rule applies when every key of its `when` holds — any of its
 * thresholds is not ruled out (shown so by an assessment or the declaration, not merely
 * unassessed: that is `threshold.unassessed`'s finding), any standard is declared at or above
 * `level_from`. It then needs an entry under the declaration's `artifacts:` with its id (and, per
 * threshold, one per threshold reached); its path is checked like every other reference.
 */
export function artifacts(
  ctx: Pick<ReleaseContext, 'pack' | 'declaration' | 'at' | 'levels'>,
  reached: ReadonlySet<string>,
): Finding[] {
  const { pack, declaration: d, at, levels } = ctx;
  const findings: Finding[] = [];
  const rules = pack.artifacts ?? [];
  const supplied = new Map<string, Set<string | undefined>>();
  d.artifacts?.forEach((a, i) => {
    const rule = rules.find((r) => r.id === a.id);
    if (!rule) {
      findings.push(
        warning(
          'schema.invalid',
          `artifacts[${i}].id: ${quote(a.id)} is not an artifact of ${pack.id}; it is not checked`,
          at(['artifacts', i, 'id']),
        ),
      );
      return;
    }
    if (rule.per_threshold && a.threshold === undefined) {
      findings.push(
        error(
          'schema.invalid',
          `artifacts[${i}]: ${a.id} is required per threshold; name the threshold it is for (threshold:)`,
          at(['artifacts', i]),
        ),
      );
      return;
    }
    if (!supplied.has(a.id)) supplied.set(a.id, new Set());
    supplied.get(a.id)!.add(rule.per_threshold ? a.threshold : undefined);
  });
  const where = () => at(d.artifacts ? ['artifacts'] : [], true);
  for (const rule of rules) {
    const hit = rule.when.thresholds?.filter((t) => reached.has(t));
    if (hit?.length === 0) continue;
    if (rule.when.level_from !== undefined && !levels.atOrAbove(rule.when.level_from)) continue;
    const make = rule.severity === 'warning' ? warning : error;
    const because = hit
      ? ` because ${hit.join(', ')} ${hit.length === 1 ? 'is' : 'are'} not ruled out`
      : rule.when.level_from !== undefined
        ? ` at ${rule.when.level_from} or above`
        : '';
    const src = sourceText(pack, rule.source);
    const have = supplied.get(rule.id);
    if (rule.per_threshold) {
      for (const t of hit!) {
        if (!have?.has(t))
          findings.push(
            make(
              'artifact.missing',
              `artifact ${rule.id} (${rule.description}) is required for ${t}, which is not ruled out; add it under artifacts with threshold: ${t}${src}`,
              where,
            ),
          );
      }
    } else if (!have) {
      findings.push(
        make(
          'artifact.missing',
          `artifact ${rule.id} (${rule.description}) is required${because}; add it under artifacts${src}`,
          where,
        ),
      );
    }
  }
  return findings;
}
