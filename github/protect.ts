import { approvalCheckName, gateCheckName } from '../src/constants.js';
import type { GitHubApi } from './snapshot.js';

export interface ProtectOptions {
  owner: string;
  repo: string;
  branch: string;
  /** The RSO approval App's id: only that App's check can satisfy `RSO approval`. */
  appId: number;
  /** Optionally bind `ASL gate` too (GitHub Actions is 15368 on github.com). */
  gateAppId?: number;
  dryRun: boolean;
}

interface StatusCheck {
  context: string;
  integration_id?: number;
}

interface Rule {
  type: string;
  parameters?: {
    required_status_checks?: StatusCheck[];
    strict_required_status_checks_policy?: boolean;
    [k: string]: unknown;
  };
}

export interface Ruleset {
  id?: number;
  name: string;
  target: string;
  enforcement: string;
  conditions?: { ref_name?: { include: string[]; exclude: string[] } };
  rules?: Rule[];
}

export interface ProtectResult {
  action: 'create' | 'update' | 'none';
  /** The plan as a diff of the ruleset, one line a field. */
  plan: string;
  ruleset: Ruleset;
  rulesetId?: number;
}

/** A problem the admin can act on (exit 2, one clear message). */
export class ProtectError extends Error {}

export function rulesetName(branch: string): string {
  return `asl-gate: ${branch}`;
}

/** The ruleset asl-gate wants on `branch`. */
export function desiredRuleset(o: ProtectOptions): Ruleset {
  return {
    name: rulesetName(o.branch),
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: [`refs/heads/${o.branch}`], exclude: [] } },
    rules: [
      {
        type: 'required_status_checks',
        parameters: {
          strict_required_status_checks_policy: false,
          required_status_checks: [
            // The names carry the branch (SPEC §4): a check judged against another base never counts.
            { context: gateCheckName(o.branch), ...(o.gateAppId !== undefined ? { integration_id: o.gateAppId } : {}) },
            { context: approvalCheckName(o.branch), integration_id: o.appId },
          ],
        },
      },
    ],
  };
}

/** The comparable part of a ruleset, in a stable order. */
function normalise(r: Ruleset): Record<string, string> {
  const checks = r.rules?.find((x) => x.type === 'required_status_checks')?.parameters;
  const out: Record<string, string> = {
    name: r.name,
    target: r.target,
    enforcement: r.enforcement,
    'conditions.ref_name.include': JSON.stringify([...(r.conditions?.ref_name?.include ?? [])].sort()),
    'conditions.ref_name.exclude': JSON.stringify([...(r.conditions?.ref_name?.exclude ?? [])].sort()),
    'required_status_checks.strict': String(checks?.strict_required_status_checks_policy ?? false),
  };
  for (const c of [...(checks?.required_status_checks ?? [])].sort((a, b) => (a.context < b.context ? -1 : 1))) {
    out[`required_status_checks["${c.context}"]`] =
      c.integration_id === undefined ? 'any source' : `integration_id ${c.integration_id}`;
  }
  for (const rule of r.rules ?? [])
    if (rule.type !== 'required_status_checks') out[`rules.${rule.type}`] = JSON.stringify(rule.parameters ?? {});
  return out;
}

export function diffRulesets(before: Ruleset | undefined, after: Ruleset): string {
  const a = before ? normalise(before) : {};
  const b = normalise(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .map((k) => {
      if (a[k] === b[k]) return `  ${k}: ${b[k]}`;
      return [a[k] !== undefined ? `- ${k}: ${a[k]}` : '', b[k] !== undefined ? `+ ${k}: ${b[k]}` : '']
        .filter(Boolean)
        .join('\n');
    })
    .join('\n');
}

/**
 * Create or update the repository ruleset that requires both checks on the branch. Idempotent: a
 * second run finds nothing to change. Keeps any other rule the ruleset already had.
 */
export async function protect(api: GitHubApi, o: ProtectOptions): Promise<ProtectResult> {
  const repoPath = `${o.owner}/${o.repo}`;
  const explain = (e: unknown, doing: string): never => {
    const status = (e as { status?: number }).status;
    if (status === 404)
      throw new ProtectError(`${repoPath}: repository not found, or this token cannot see its rulesets (${doing})`);
    if (status === 401)
      throw new ProtectError(`${repoPath}: the token was refused (401); set GITHUB_TOKEN or GH_TOKEN to a valid token`);
    if (status === 403)
      throw new ProtectError(
        `${repoPath}: the token lacks admin rights (403 while ${doing}); rulesets need the "administration: write" permission`,
      );
    if (status === 422)
      throw new ProtectError(`${repoPath}: GitHub refused the ruleset (422): ${(e as Error).message}`);
    throw e;
  };
  try {
    await api.request('GET /repos/{owner}/{repo}', { owner: o.owner, repo: o.repo });
  } catch (e) {
    explain(e, 'reading the repository');
  }
  let summaries: Array<{ id: number; name: string; source_type?: string }> = [];
  try {
    summaries = (await api.paginate('GET /repos/{owner}/{repo}/rulesets', {
      owner: o.owner,
      repo: o.repo,
      includes_parents: 'true',
      per_page: 100,
    })) as typeof summaries;
  } catch (e) {
    explain(e, 'listing rulesets');
  }
  const full = async (id: number): Promise<Ruleset> => {
    try {
      return (
        await api.request('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', {
          owner: o.owner,
          repo: o.repo,
          ruleset_id: id,
        })
      ).data as Ruleset;
    } catch (e) {
      return explain(e, `reading ruleset ${id}`);
    }
  };
  const rulesets = await Promise.all(summaries.map((s) => full(s.id)));
  const name = rulesetName(o.branch);
  const existing = rulesets.find((r) => r.name === name);

  // A clash: another ruleset on this branch requires one of our check names from another source,
  // so the branch could never be satisfied (or could be by the wrong App).
  const want = desiredRuleset(o);
  const wanted = new Map(want.rules![0].parameters!.required_status_checks!.map((c) => [c.context, c.integration_id]));
  for (const r of rulesets) {
    if (r === existing || r.enforcement === 'disabled') continue;
    const refs = r.conditions?.ref_name?.include ?? [];
    if (!refs.some((ref) => ref === `refs/heads/${o.branch}` || ref === '~DEFAULT_BRANCH' || ref === '~ALL')) continue;
    for (const c of r.rules?.flatMap((x) => x.parameters?.required_status_checks ?? []) ?? []) {
      if (wanted.has(c.context) && c.integration_id !== undefined && c.integration_id !== wanted.get(c.context)) {
        throw new ProtectError(
          `ruleset "${r.name}" (id ${r.id}) already requires "${c.context}" from integration ${c.integration_id}, not ${wanted.get(c.context) ?? 'any source'}: remove that requirement or pass the matching id`,
        );
      }
    }
  }

  // Keep the other rules of our ruleset; replace only the required checks and the branch.
  const merged: Ruleset = existing
    ? { ...want, rules: [...(existing.rules ?? []).filter((r) => r.type !== 'required_status_checks'), ...want.rules!] }
    : want;
  const plan = diffRulesets(existing, merged);
  const changed = !existing || JSON.stringify(normalise(existing)) !== JSON.stringify(normalise(merged));
  const action = !existing ? 'create' : changed ? 'update' : 'none';
  if (o.dryRun || action === 'none')
    return { action, plan, ruleset: merged, ...(existing?.id !== undefined ? { rulesetId: existing.id } : {}) };
  try {
    const body = {
      owner: o.owner,
      repo: o.repo,
      name: merged.name,
      target: merged.target,
      enforcement: merged.enforcement,
      conditions: merged.conditions,
      rules: merged.rules,
    };
    const { data } = existing
      ? await api.request('PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}', { ...body, ruleset_id: existing.id })
      : await api.request('POST /repos/{owner}/{repo}/rulesets', body);
    return { action, plan, ruleset: merged, rulesetId: (data as { id: number }).id };
  } catch (e) {
    return explain(e, existing ? 'updating the ruleset' : 'creating the ruleset');
  }
}
