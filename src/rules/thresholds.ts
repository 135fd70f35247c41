import { error, type Finding } from '../findings.js';
import type { LoadedAssessment } from '../release.js';
import { quote } from '../schemas/validate.js';
import { SEVERITY, STATUS_BY_SEVERITY, type ReleaseContext } from './context.js';

/**
 * Levels and thresholds: every pack threshold needs an entry resting on completed assessments that
 * cover it; a threshold not ruled out requires the levels the pack names for it, and a declared
 * level below that is understated.
 */
export function levelsAndThresholds(ctx: ReleaseContext, entries: ReadonlyMap<string, number>): { findings: Finding[]; required: Record<string, string> } {
  const { pack, index, declaration: d, at, levels } = ctx;
  const findings: Finding[] = [];
  const required = new Map<string, { rank: number; because: Array<{ rank: number; text: string }> }>();
  for (const s of pack.standards) required.set(s, { rank: 0, because: [] });
  for (const threshold of pack.thresholds) {
    const i = entries.get(threshold.id);
    // Fail closed: a threshold with no entry, or no evidence, counts as not ruled out.
    let severity: number = SEVERITY.not_ruled_out;
    if (i === undefined) {
      findings.push(error('threshold.unassessed', `threshold ${threshold.id} has no entry under thresholds`, at(d.thresholds ? ['thresholds'] : [], true)));
    } else {
      const entry = d.thresholds![i]!;
      const supporting: LoadedAssessment[] = [];
      (entry.assessments ?? []).forEach((id, j) => {
        const a = ctx.assessments.get(id);
        if (!a) {
          findings.push(error('threshold.unassessed', `threshold ${threshold.id} cites ${quote(id)}, which is not an assessment of this release`, at(['thresholds', i, 'assessments', j])));
        } else if (a.data.thresholds.includes(threshold.id) && a.data.completed) {
          supporting.push(a);
        }
      });
      if (supporting.length === 0) {
        findings.push(error('threshold.unassessed', `threshold ${threshold.id} is declared ${entry.status} but no completed assessment it cites covers it`, at(['thresholds', i, 'status'])));
        severity = Math.max(severity, SEVERITY[entry.status]);
      } else {
        severity = SEVERITY[entry.status];
        for (const a of supporting) {
          const found = a.data.result?.[threshold.id];
          if (found !== undefined && found !== entry.status) {
            findings.push(error('threshold.contradicted', `threshold ${threshold.id} is declared ${entry.status}, but assessment ${a.data.id} found ${found}`, at(['thresholds', i, 'status'])));
          }
          if (found !== undefined) severity = Math.max(severity, SEVERITY[found]);
        }
      }
    }
    if (severity === SEVERITY.ruled_out) continue;
    for (const [s, level] of Object.entries(threshold.requires)) {
      const req = required.get(s)!;
      const r = index.rank.get(level)!;
      if (r > req.rank) req.rank = r;
      req.because.push({ rank: r, text: `${threshold.id} (${STATUS_BY_SEVERITY[severity]}) requires ${level}` });
    }
  }
  for (const s of pack.standards) {
    const req = required.get(s)!;
    const have = levels.rankOf(s);
    if (have >= 0 && have < req.rank) {
      const reasons = req.because.filter((b) => b.rank > have).map((b) => b.text);
      findings.push(error('level.understated', `declared ${s} ${pack.levels[have]} is below the required ${pack.levels[req.rank]}: ${reasons.join('; ')}`, at(['declared', s])));
    }
  }
  return { findings, required: Object.fromEntries(pack.standards.map((s) => [s, pack.levels[required.get(s)!.rank]!])) };
}

/** The declaration's entry (its index under `thresholds`) for each pack threshold; unknown and repeated ids are findings. */
export function thresholdEntries(ctx: Pick<ReleaseContext, 'index' | 'declaration' | 'at'>): { entries: Map<string, number>; findings: Finding[] } {
  const findings: Finding[] = [];
  const entries = new Map<string, number>();
  ctx.declaration.thresholds?.forEach((t, i) => {
    const where = () => ctx.at(['thresholds', i, 'id']);
    if (!ctx.index.thresholds.has(t.id)) findings.push(error('schema.invalid', `thresholds[${i}].id: ${quote(t.id)} is not a threshold of ${ctx.index.pack.id}`, where));
    else if (entries.has(t.id)) findings.push(error('schema.invalid', `thresholds[${i}].id: ${quote(t.id)} has an entry already`, where));
    else entries.set(t.id, i);
  });
  return { entries, findings };
}
