import { error, type Finding } from '../../findings.js';
import type { PackIndex } from '../../load/policy.js';
import type { Declaration } from '../../load/schemas/index.js';
import { quote } from '../../load/schemas/validate.js';
import type { At, DeclaredLevels } from './context.js';

/** The declaration must be judged by the pack the repository chose. */
export function policyMatches(declaration: Pick<Declaration, 'policy'>, index: PackIndex, at: At): Finding[] {
  const id = index.pack.id;
  if (declaration.policy === id) return [];
  return [
    error(
      'policy.mismatch',
      `declaration names policy ${quote(declaration.policy)}, but this repository's policy is ${quote(id)}`,
      at(['policy']),
    ),
  ];
}

/** Declared levels: exactly the pack's standards, each a level of the pack, plus an optional basis. */
export function declaredLevels(
  declared: Declaration['declared'],
  index: PackIndex,
  at: At,
): { levels: DeclaredLevels; findings: Finding[] } {
  const { pack, rank } = index;
  const findings: Finding[] = [];
  const invalid = (path: (string | number)[], msg: string, key = false) =>
    findings.push(error('schema.invalid', msg, at(path, key)));
  const ranks = new Map<string, number>();
  const names: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    if (key === 'basis') {
      if (value !== 'determined' && value !== 'precautionary')
        invalid(['declared', key], `declared.basis: expected "determined" or "precautionary"`);
      continue;
    }
    if (!pack.standards.includes(key)) {
      invalid(
        ['declared', key],
        `declared: ${quote(key)} is not a standard of ${pack.id} (expected ${pack.standards.map(quote).join(', ')})`,
        true,
      );
      continue;
    }
    const r = rank.get(value);
    if (r === undefined)
      invalid(['declared', key], `declared.${key}: expected one of ${pack.levels.map(quote).join(', ')}`);
    else {
      ranks.set(key, r);
      names[key] = value;
    }
  }
  for (const s of pack.standards) {
    if (!Object.hasOwn(declared, s)) invalid(['declared'], `declared is missing the ${quote(s)} standard`);
  }
  // A standard with no valid level counts as the lowest: every requirement above it then shows.
  const rankOf = (s: string) => ranks.get(s) ?? -1;
  const atOrAbove = (from: string | undefined) =>
    from !== undefined && pack.standards.some((s) => rankOf(s) >= rank.get(from)!);
  return { levels: { names, rankOf, atOrAbove }, findings };
}
