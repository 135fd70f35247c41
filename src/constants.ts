/**
 * Names and limits that users, docs, branch protection and both adapters rely on (SPEC §1.3, §4,
 * §5). One place, so the Action, the App and `protect` can never disagree on them.
 */

/** Where the repository config lives, read from the base branch. */
export const DEFAULT_CONFIG_PATH = '.github/asl-gate.yml';

/** GitHub lists at most this many files of a pull request; past it a change cannot be seen whole. */
export const MAX_PULL_FILES = 3000;

/** A full commit, tree or blob SHA as GitHub's API names them: what names its content for good. */
export const FULL_SHA = /^[0-9a-f]{40}$/;

/** GitHub's pull-request commits endpoint lists at most this many commits. */
export const MAX_PULL_COMMITS = 250;

/**
 * The Action's check (the workflow job's name). Check names carry the base branch (SPEC §4):
 * GitHub keeps one result per commit and name, while a verdict depends on the commit *and* the base
 * whose policy judged it; two PRs with one head into different bases must not share a result.
 */
export function gateCheckName(base: string): string {
  return `ASL gate: ${base}`;
}

/** The App's check on a PR head, for the PR's base branch (SPEC §4, §5). */
export function approvalCheckName(base: string): string {
  return `RSO approval: ${base}`;
}

/** The base branch an `RSO approval: <base>` name speaks for, or undefined for another name. */
export function baseOfApprovalCheck(name: string): string | undefined {
  const prefix = approvalCheckName('');
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}
