// Who must sign a head off under a config's `signoff:` (SPEC §1.3). Pure functions of a loaded
// policy, kept apart from the loader: the App's main thread uses them and never loads YAML or zod
// (files are parsed in its judging workers, bot/gate.ts).
import type { PackIndex, Policy } from '../load/policy.js';

/** The rule that applies at `level`: the one with the highest from_level at or below it. */
export function ruleAt<R extends { fromLevel: string }>(
  rules: readonly R[],
  index: Pick<PackIndex, 'rank'>,
  level: string,
): R | undefined {
  const at = index.rank.get(level);
  if (at === undefined) return undefined;
  let found: R | undefined;
  for (const r of rules) if (index.rank.get(r.fromLevel)! <= at) found = r;
  return found;
}

/** What one release (or the PR as a whole) contributes to the roles a head needs. */
export interface SignoffSubject {
  /** Shown in the sticky comment and the check: a model, or "config change". */
  name: string;
  /** Its declared levels per standard; empty when unknown (removed, unreadable). */
  declared: Record<string, string>;
  /** Acknowledged noncompliance, or an approval needed for another reason than the level. */
  needsApproval: boolean;
}

/**
 * The roles a head needs under a config's `signoff:`, each with why: per release, the rule at its
 * highest declared level (the lowest rule when only acknowledged noncompliance asks for sign-off,
 * every rule's roles when its level is unknown), and `changes` for a config or pack change.
 */
export function rolesRequired(
  policy: Policy,
  subjects: SignoffSubject[],
  policyChanged: boolean,
): Map<string, string[]> {
  const so = policy.settings.signoff;
  const out = new Map<string, string[]>();
  const add = (roles: string[], why: string) => {
    for (const r of roles) out.set(r, [...(out.get(r) ?? []), why]);
  };
  if (!so) return out;
  const everyRole = [...new Set(so.require.flatMap((r) => r.roles))];
  for (const s of subjects) {
    const ranks = Object.values(s.declared).map((l) => policy.pack.rank.get(l) ?? -1);
    if (ranks.length === 0) {
      add(everyRole, `${s.name} (level unknown)`);
      continue;
    }
    const top = policy.pack.pack.levels[Math.max(...ranks)];
    const rule = top === undefined ? undefined : ruleAt(so.require, policy.pack, top);
    if (rule) add(rule.roles, `${s.name} at ${top}`);
    else if (s.needsApproval) add(so.require[0].roles, `${s.name} (acknowledged noncompliance)`);
  }
  if (policyChanged) add(so.changes, 'config or pack change');
  return out;
}

/** The roles the pack demands at any level that a config without `signoff:` does not map to people. */
export function unconfiguredPackRoles(policy: Policy): string[] {
  if (policy.settings.signoff) return [];
  return [...new Set((policy.pack.pack.signoff ?? []).flatMap((d) => d.roles))].filter((r) => r !== 'rso');
}
