import { dayNumber } from './dates.js';
import { error, FINDING_CODES, sortFindings, verdictOf, warning, type Finding, type Location, type Verdict } from './findings.js';
import type { PackIndex, Policy } from './policy.js';
import type { LoadedAssessment, LoadedRelease } from './release.js';
import type { ThresholdStatus } from './schemas/index.js';
import { quote } from './schemas/validate.js';
import type { YamlPath } from './yaml/safe-yaml.js';

export interface AcknowledgedNoncompliance {
  finding: string;
  assessment?: string;
  reason: string;
}

/** One assessment as the reports draw it (due vs. completed). */
export interface Timeline {
  id: string;
  kind: string;
  due: string;
  completed: string | null;
  /** Days past due + grace; 0 when on time or not complete. */
  daysLate: number;
  overdue: boolean;
  acknowledged: boolean;
}

export interface ReleaseResult {
  declaration: string;
  model?: string;
  declared?: Record<string, string>;
  required?: Record<string, string>;
  verdict: Verdict;
  findings: Finding[];
  /** RSO approval needed: declared level at or above `approval.from_level`, or acknowledged noncompliance. */
  approvalRequired: boolean;
  noncompliance: AcknowledgedNoncompliance[];
  timeline: Timeline[];
}

const SEVERITY: Record<ThresholdStatus, number> = { ruled_out: 0, not_ruled_out: 1, crossed: 2 };
const STATUS_BY_SEVERITY: ThresholdStatus[] = ['ruled_out', 'not_ruled_out', 'crossed'];

/**
 * Judge one loaded release against the policy on day `today` (YYYY-MM-DD). Pure and
 * deterministic: same inputs, same findings in the same order.
 */
export function judgeRelease(release: LoadedRelease, policy: Policy, today: string): ReleaseResult {
  const findings = [...release.findings];
  const result: ReleaseResult = {
    declaration: release.file,
    verdict: 'fail',
    findings,
    approvalRequired: true,
    noncompliance: [],
    timeline: [],
  };
  const decl = release.declaration;
  if (!decl) return finish(result);

  const { pack, rank } = policy.pack;
  const d = decl.data;
  const at = (path: YamlPath, key = false): Location => decl.parsed.locate(path, { key });
  const invalid = (path: YamlPath, msg: string, key = false) => findings.push(error('schema.invalid', msg, at(path, key)));
  result.model = d.model;

  // Policy: the declaration must be judged by the pack the repository chose.
  if (d.policy !== pack.id) {
    findings.push(error('policy.mismatch', `declaration names policy ${quote(d.policy)}, but this repository's policy is ${quote(pack.id)}`, at(['policy'])));
  }

  // Declared levels: exactly the pack's standards, each a pack level.
  const declaredRank = new Map<string, number>();
  const declared: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.declared)) {
    if (key === 'basis') {
      if (value !== 'determined' && value !== 'precautionary') invalid(['declared', key], `declared.basis: expected "determined" or "precautionary"`);
      continue;
    }
    if (!pack.standards.includes(key)) {
      invalid(['declared', key], `declared: ${quote(key)} is not a standard of ${pack.id} (expected ${pack.standards.map(quote).join(', ')})`, true);
      continue;
    }
    const r = rank.get(value);
    if (r === undefined) invalid(['declared', key], `declared.${key}: expected one of ${pack.levels.map(quote).join(', ')}`);
    else {
      declaredRank.set(key, r);
      declared[key] = value;
    }
  }
  for (const s of pack.standards) {
    if (!Object.hasOwn(d.declared, s)) invalid(['declared'], `declared is missing the ${quote(s)} standard`);
  }
  result.declared = declared;
  // A standard with no valid level counts as the lowest: every requirement above it then shows.
  const levelOf = (s: string) => declaredRank.get(s) ?? -1;
  const atOrAbove = (from: string | undefined) => from !== undefined && pack.standards.some((s) => levelOf(s) >= rank.get(from)!);

  const assessments = indexAssessments(release.assessments, policy.pack, today, findings);

  // Noncompliance the lab reports about itself.
  const acknowledgedLate = new Map<string, string>();
  d.noncompliance?.forEach((n, i) => {
    if (!(FINDING_CODES as readonly string[]).includes(n.finding)) invalid(['noncompliance', i, 'finding'], `noncompliance[${i}].finding: ${quote(n.finding)} is not a finding code`);
    if (n.assessment !== undefined && !assessments.has(n.assessment)) {
      invalid(['noncompliance', i, 'assessment'], `noncompliance[${i}].assessment: no assessment of this release has id ${quote(n.assessment)}`);
    }
    if (n.finding === 'evaluation.late' && n.assessment !== undefined) acknowledgedLate.set(n.assessment, n.reason);
    result.noncompliance.push({ finding: n.finding, ...(n.assessment !== undefined ? { assessment: n.assessment } : {}), reason: n.reason });
  });

  // Thresholds: every pack threshold needs an entry resting on completed assessments that cover it.
  const entries = new Map<string, number>();
  d.thresholds?.forEach((t, i) => {
    if (!policy.pack.thresholds.has(t.id)) invalid(['thresholds', i, 'id'], `thresholds[${i}].id: ${quote(t.id)} is not a threshold of ${pack.id}`);
    else if (entries.has(t.id)) invalid(['thresholds', i, 'id'], `thresholds[${i}].id: ${quote(t.id)} has an entry already`);
    else entries.set(t.id, i);
  });
  const required = new Map<string, { rank: number; because: Array<{ rank: number; text: string }> }>();
  for (const s of pack.standards) required.set(s, { rank: 0, because: [] });
  for (const threshold of pack.thresholds) {
    const i = entries.get(threshold.id);
    // Fail closed: a threshold with no entry, or no evidence, counts as not ruled out.
    let severity = SEVERITY.not_ruled_out;
    if (i === undefined) {
      findings.push(error('threshold.unassessed', `threshold ${threshold.id} has no entry under thresholds`, at(d.thresholds ? ['thresholds'] : [], true)));
    } else {
      const entry = d.thresholds![i]!;
      const supporting: LoadedAssessment[] = [];
      (entry.assessments ?? []).forEach((id, j) => {
        const a = assessments.get(id);
        if (!a) {
          findings.push(error('threshold.unassessed', `threshold ${threshold.id} cites ${quote(id)}, which is not an assessment of this release`, at(['thresholds', i, 'assessments', j])));
        } else if (a.data.thresholds.includes(threshold.id) && a.data.completed) {
          supporting.push(a);
        }
      });
      if (supporting.length === 0) {
        findings.push(
          error('threshold.unassessed', `threshold ${threshold.id} is declared ${entry.status} but no completed assessment it cites covers it`, at(['thresholds', i, 'status'])),
        );
        severity = Math.max(severity, SEVERITY[entry.status]);
      } else {
        severity = SEVERITY[entry.status];
        for (const a of supporting) {
          const found = a.data.result?.[threshold.id];
          if (found !== undefined && found !== entry.status) {
            findings.push(
              error(
                'threshold.contradicted',
                `threshold ${threshold.id} is declared ${entry.status}, but assessment ${a.data.id} found ${found}`,
                at(['thresholds', i, 'status']),
              ),
            );
          }
          if (found !== undefined) severity = Math.max(severity, SEVERITY[found]);
        }
      }
    }
    if (severity === SEVERITY.ruled_out) continue;
    for (const [s, level] of Object.entries(threshold.requires)) {
      const req = required.get(s)!;
      const r = rank.get(level)!;
      if (r > req.rank) req.rank = r;
      req.because.push({ rank: r, text: `${threshold.id} (${STATUS_BY_SEVERITY[severity]}) requires ${level}` });
    }
  }
  result.required = Object.fromEntries(pack.standards.map((s) => [s, pack.levels[required.get(s)!.rank]!]));
  for (const s of pack.standards) {
    const req = required.get(s)!;
    const have = declaredRank.get(s);
    if (have !== undefined && have < req.rank) {
      const reasons = req.because.filter((b) => b.rank > have).map((b) => b.text);
      findings.push(
        error('level.understated', `declared ${s} ${pack.levels[have]} is below the required ${pack.levels[req.rank]}: ${reasons.join('; ')}`, at(['declared', s])),
      );
    }
  }

  // Safeguards: cumulative per standard, up to the declared level.
  const listed = new Map<string, number>();
  const packSafeguards = new Set(pack.safeguards.map((g) => g.id));
  d.safeguards?.forEach((g, i) => {
    if (listed.has(g.id)) invalid(['safeguards', i, 'id'], `safeguards[${i}].id: ${quote(g.id)} is listed twice`);
    else listed.set(g.id, i);
    if (!packSafeguards.has(g.id)) {
      findings.push(warning('schema.invalid', `safeguards[${i}].id: ${quote(g.id)} is not a safeguard of ${pack.id}; it is not checked`, at(['safeguards', i, 'id'])));
    }
  });
  for (const g of pack.safeguards) {
    if (levelOf(g.standard) < rank.get(g.from)!) continue;
    const i = listed.get(g.id);
    const levelName = pack.levels[levelOf(g.standard)] ?? 'the declared level';
    if (i === undefined) {
      findings.push(error('safeguard.missing', `safeguard ${g.id} (${g.description}) is required at ${g.standard} ${levelName} but not listed`, at(d.safeguards ? ['safeguards'] : [], true)));
      continue;
    }
    const entry = d.safeguards![i]!;
    if (entry.status !== 'implemented') {
      findings.push(error('safeguard.unverified', `safeguard ${g.id} is required at ${g.standard} ${levelName} but is ${entry.status}`, at(['safeguards', i, 'status'])));
    } else if (!entry.evidence) {
      findings.push(error('safeguard.unverified', `safeguard ${g.id} is implemented but gives no evidence`, at(['safeguards', i])));
    }
  }

  // Evaluations: late, overdue.
  const todayN = dayNumber(today);
  const grace = policy.settings.graceDays;
  for (const a of assessments.values()) {
    const dueN = dayNumber(a.data.due) + grace;
    const completed = a.data.completed ?? null;
    const t: Timeline = { id: a.data.id, kind: a.data.kind, due: a.data.due, completed, daysLate: 0, overdue: false, acknowledged: false };
    result.timeline.push(t);
    const graceText = grace > 0 ? ` + ${grace} grace day${grace === 1 ? '' : 's'}` : '';
    if (completed) {
      const late = dayNumber(completed) - dueN;
      if (late > 0) {
        t.daysLate = late;
        const msg = `assessment ${a.data.id} was completed ${completed}, ${late} day${late === 1 ? '' : 's'} after its due date ${a.data.due}${graceText}`;
        const reason = acknowledgedLate.get(a.data.id);
        if (reason !== undefined) {
          t.acknowledged = true;
          findings.push(warning('evaluation.late', `${msg}; acknowledged as noncompliance: ${reason}`, a.parsed.locate(['completed'])));
        } else {
          findings.push(error('evaluation.late', msg, a.parsed.locate(['completed'])));
        }
      }
    } else if (todayN > dueN) {
      t.overdue = true;
      findings.push(error('evaluation.overdue', `assessment ${a.data.id} was due ${a.data.due}${graceText} and is not completed (${todayN - dueN} days overdue)`, a.parsed.locate(['due'])));
    }
  }

  // Cadence: a recent enough comprehensive assessment of every threshold.
  const releaseN = dayNumber(d.release_date);
  const maxAge = pack.cadence.comprehensive_max_age_days;
  for (const threshold of pack.thresholds) {
    let newest: LoadedAssessment | undefined;
    for (const a of assessments.values()) {
      if (a.data.kind !== 'comprehensive' || !a.data.completed || !a.data.thresholds.includes(threshold.id)) continue;
      if (!newest || a.data.completed > newest.data.completed!) newest = a;
    }
    if (!newest) {
      const i = entries.get(threshold.id);
      findings.push(error('evaluation.stale', `threshold ${threshold.id} has no completed comprehensive assessment`, at(i === undefined ? [] : ['thresholds', i])));
      continue;
    }
    const age = releaseN - dayNumber(newest.data.completed!);
    if (age > maxAge) {
      findings.push(
        error(
          'evaluation.stale',
          `the newest comprehensive assessment of ${threshold.id} (${newest.data.id}, completed ${newest.data.completed}) is ${age} days old at release_date ${d.release_date}; the policy allows ${maxAge}`,
          newest.parsed.locate(['completed']),
        ),
      );
    }
  }
  const compute = d.effective_compute_since_last_comprehensive;
  if (compute !== undefined && compute >= pack.cadence.effective_compute_multiple) {
    findings.push(
      error(
        'evaluation.stale',
        `effective compute grew ${compute}x since the last comprehensive assessment; the policy requires a new one at ${pack.cadence.effective_compute_multiple}x`,
        at(['effective_compute_since_last_comprehensive']),
      ),
    );
  }

  // Reports.
  if (atOrAbove(pack.reports.capability_from) && !d.reports?.capability) {
    findings.push(error('report.missing', 'a capability report is required (reports.capability)', at(d.reports ? ['reports'] : [], true)));
  }
  for (const s of Object.keys(d.reports?.safeguards ?? {})) {
    if (!pack.standards.includes(s)) invalid(['reports', 'safeguards', s], `reports.safeguards: ${quote(s)} is not a standard of ${pack.id}`, true);
  }
  const safeguardsFrom = pack.reports.safeguards_from;
  if (safeguardsFrom !== undefined) {
    for (const s of pack.standards) {
      if (levelOf(s) >= rank.get(safeguardsFrom)! && !d.reports?.safeguards?.[s]) {
        findings.push(error('report.missing', `a ${s} safeguards report is required at ${pack.levels[levelOf(s)]} (reports.safeguards.${s})`, at(d.reports ? ['reports'] : [], true)));
      }
    }
  }

  // Reviews.
  if (atOrAbove(pack.reviews.internal_from) && !d.reviews?.internal?.length) {
    findings.push(error('review.missing', 'at least one internal review is required (reviews.internal)', at(d.reviews ? ['reviews'] : [], true)));
  }
  if (atOrAbove(pack.reviews.external_from) && !d.reviews?.external?.some((r) => r.receipt)) {
    findings.push(
      error(
        'review.missing',
        `at least one external review with a receipt is required at ${pack.reviews.external_from} (reviews.external[].receipt)`,
        at(d.reviews ? ['reviews'] : [], true),
      ),
    );
  }

  result.approvalRequired = atOrAbove(policy.settings.approval.fromLevel) || result.noncompliance.length > 0;
  return finish(result);
}

function finish(result: ReleaseResult): ReleaseResult {
  sortFindings(result.findings);
  result.verdict = verdictOf(result.findings);
  return result;
}

/** Assessments by id, with the checks that need only the assessment and the pack. */
function indexAssessments(list: LoadedAssessment[], pack: PackIndex, today: string, findings: Finding[]): Map<string, LoadedAssessment> {
  const byId = new Map<string, LoadedAssessment>();
  for (const a of list) {
    const bad = (path: YamlPath, msg: string, key = false) => findings.push(error('schema.invalid', msg, a.parsed.locate(path, { key })));
    if (byId.has(a.data.id)) {
      bad(['id'], `id: ${quote(a.data.id)} is used by another assessment of this release (${byId.get(a.data.id)!.file})`);
      continue;
    }
    byId.set(a.data.id, a);
    a.data.thresholds.forEach((t, i) => {
      if (!pack.thresholds.has(t)) bad(['thresholds', i], `thresholds[${i}]: ${quote(t)} is not a threshold of ${pack.pack.id}`);
    });
    for (const t of Object.keys(a.data.result ?? {})) {
      if (!a.data.thresholds.includes(t)) bad(['result', t], `result: ${quote(t)} is not one of the thresholds this assessment covers`, true);
    }
    if (a.data.completed) {
      if (a.data.completed > today) bad(['completed'], `completed: ${a.data.completed} is in the future (today is ${today})`);
      for (const t of a.data.thresholds) {
        if (a.data.result?.[t] === undefined) bad(a.data.result ? ['result'] : ['completed'], `result: a completed assessment needs a result for ${quote(t)}`);
      }
    }
  }
  return byId;
}
