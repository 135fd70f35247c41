import { error, type Finding } from '../../findings.js';
import type { PackIndex } from '../../load/policy.js';
import type { LoadedAssessment } from '../../load/release.js';
import { quote } from '../../load/schemas/validate.js';
import type { YamlPath } from '../../load/yaml/safe-yaml.js';

/** Assessments by id, with the checks that need only the assessment and the pack. */
export function indexAssessments(
  list: readonly LoadedAssessment[],
  index: PackIndex,
  today: string,
): { assessments: Map<string, LoadedAssessment>; findings: Finding[] } {
  const findings: Finding[] = [];
  const byId = new Map<string, LoadedAssessment>();
  for (const a of list) {
    const bad = (path: YamlPath, msg: string, key = false) =>
      findings.push(error('schema.invalid', msg, a.parsed.locate(path, { key })));
    if (byId.has(a.data.id)) {
      bad(
        ['id'],
        `id: ${quote(a.data.id)} is used by another assessment of this release (${byId.get(a.data.id)!.file})`,
      );
      continue;
    }
    byId.set(a.data.id, a);
    a.data.thresholds.forEach((t, i) => {
      if (!index.thresholds.has(t))
        bad(['thresholds', i], `thresholds[${i}]: ${quote(t)} is not a threshold of ${index.pack.id}`);
    });
    for (const t of Object.keys(a.data.result ?? {})) {
      if (!a.data.thresholds.includes(t))
        bad(['result', t], `result: ${quote(t)} is not one of the thresholds this assessment covers`, true);
    }
    if (a.data.completed) {
      if (a.data.completed > today)
        bad(['completed'], `completed: ${a.data.completed} is in the future (today is ${today})`);
      for (const t of a.data.thresholds) {
        if (a.data.result?.[t] === undefined)
          // At the `result` key when the file has one (even empty), else at `completed`.
          bad(
            a.data.result !== undefined ? ['result'] : ['completed'],
            `result: a completed assessment needs a result for ${quote(t)}`,
            a.data.result === null,
          );
      }
    }
  }
  return { assessments: byId, findings };
}
