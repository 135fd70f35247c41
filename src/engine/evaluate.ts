import { sortFindings, verdictOf, type Finding, type Verdict } from '../findings.js';
import type { Policy } from '../load/policy.js';
import type { LoadedRelease } from '../load/release.js';
import type { Declaration } from '../load/schemas/index.js';
import { artifacts } from './rules/artifacts.js';
import { indexAssessments } from './rules/assessments.js';
import { cadence } from './rules/cadence.js';
import type { At, DeclaredLevels, ReleaseContext } from './rules/context.js';
import { declaredLevels, policyMatches } from './rules/declared.js';
import { noncompliance } from './rules/noncompliance.js';
import { reportsAndReviews } from './rules/reports-and-reviews.js';
import { research } from './rules/research.js';
import { safeguards } from './rules/safeguards.js';
import { levelsAndThresholds, thresholdEntries } from './rules/thresholds.js';
import { timeliness } from './rules/timeliness.js';

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

/**
 * Judge one loaded release against the policy on day `today` (YYYY-MM-DD). Pure and
 * deterministic: same inputs, same findings in the same order. Each family of findings is one
 * rule of src/engine/rules/; this only reads the declaration's levels and assessments and composes them.
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

  const index = policy.pack;
  const declaration = decl.data;
  const at: At = (path, key = false) => decl.parsed.locate(path, { key });
  // A declaration that failed the schema in some fields is still judged on the others, by the
  // rules that need none of them: every finding that can be computed arrives in one run.
  const readable = (...fields: Array<keyof Declaration>) => fields.every((f) => !decl.unreadable?.has(f));
  result.model = declaration.model;
  if (readable('policy')) findings.push(...policyMatches(declaration, index, at));
  // Unreadable levels leave out the rules that depend on them (and RSO approval is required).
  const declared = readable('declared')
    ? declaredLevels(declaration.declared, index, at)
    : { levels: NO_LEVELS, findings: [] };
  findings.push(...declared.findings);
  if (readable('declared')) result.declared = declared.levels.names;
  const indexed = indexAssessments(release.assessments, index, today);
  findings.push(...indexed.findings);

  const ctx: ReleaseContext = {
    pack: index.pack,
    index,
    settings: policy.settings,
    today,
    declaration,
    at,
    levels: declared.levels,
    assessments: indexed.assessments,
    unreadable: release.unreadableAssessments ?? { files: [], ids: new Set() },
  };
  let lateAcknowledged: ReadonlyMap<string, string> = new Map();
  if (readable('noncompliance', 'assessments')) {
    const acknowledged = noncompliance(ctx);
    findings.push(...acknowledged.findings);
    result.noncompliance = acknowledged.acknowledged;
    lateAcknowledged = acknowledged.lateAcknowledged;
  }
  if (readable('thresholds', 'assessments')) {
    const entries = thresholdEntries(ctx);
    findings.push(...entries.findings);
    const thresholds = levelsAndThresholds(ctx, entries.entries);
    findings.push(...thresholds.findings);
    result.required = thresholds.required;
    if (readable('release_date', 'effective_compute_since_last_comprehensive'))
      findings.push(...cadence(ctx, entries.entries));
    if (readable('declared', 'artifacts')) findings.push(...artifacts(ctx, thresholds.reached));
  }
  if (readable('research')) findings.push(...research(ctx));
  if (readable('declared', 'safeguards')) findings.push(...safeguards(ctx));
  if (readable('assessments')) {
    const onTime = timeliness(indexed.assessments.values(), {
      today,
      graceDays: policy.settings.graceDays,
      lateAcknowledged,
    });
    findings.push(...onTime.findings);
    result.timeline = onTime.timeline;
  }
  if (readable('declared', 'reports', 'reviews')) findings.push(...reportsAndReviews(ctx));

  result.approvalRequired =
    !readable('declared', 'noncompliance') ||
    declared.levels.atOrAbove(policy.settings.approval.fromLevel) ||
    (declaration.noncompliance?.length ?? 0) > 0;
  return finish(result);
}

/** The levels of a declaration whose `declared` is unreadable: none, below every pack level. */
const NO_LEVELS: DeclaredLevels = { names: {}, rankOf: () => -1, atOrAbove: () => false };

function finish(result: ReleaseResult): ReleaseResult {
  sortFindings(result.findings);
  result.verdict = verdictOf(result.findings);
  return result;
}
