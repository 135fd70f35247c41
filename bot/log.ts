// The App's log lines about decisions: Probot's structured (pino) logger, bound to the webhook
// delivery, and one `decision` line per `RSO approval` check written, so an operator can answer
// "why is this check green, and who made it so" from the logs of any replica.
import type { Context } from 'probot';

/** Probot's pino logger (what `context.log` is). */
export type Logger = Context['log'];

/**
 * Probot's event logger with the delivery named on every line: `delivery` (GitHub's
 * X-GitHub-Delivery, also Probot's `id`), the event with its action, and the repository.
 */
export function deliveryLog(context: Pick<Context, 'id' | 'name' | 'log' | 'payload'>): Logger {
  const payload = context.payload as { action?: string; repository?: { full_name?: string } };
  return context.log.child({
    delivery: context.id,
    event: payload.action ? `${context.name}.${payload.action}` : context.name,
    ...(payload.repository?.full_name ? { repo: payload.repository.full_name } : {}),
  });
}

/** What the decision line records: one check written for one PR head. */
export interface DecisionRecord {
  pr: number;
  head: string;
  base: string;
  /** The gate's verdict on the head (`pass` / `fail`). */
  verdict: string;
  /** The approval state (not_release, gate_failing, not_required, waiting, approved, rejected). */
  state: string;
  /** What the check says: `success`, `failure` or `in_progress`. */
  check: 'success' | 'failure' | 'in_progress';
  /** Who decided it: the approving or rejecting RSO, or who revoked; absent when nobody did. */
  who?: { login: string; id: number };
  /** With a config's `signoff:`: each required role's state and who signed or rejected. */
  roles?: Array<{ role: string; state: string; who?: { login: string; id: number } }>;
}

/** The parts of a PR and of reconcile's result the decision line reads (structurally). */
export interface Reconciled {
  head: string;
  gate: { verdict: string };
  outcome: {
    state: string;
    record?: { user: { login: string; id: number } };
    revokedBy?: { user: { login: string; id: number } };
  };
  roles?: Array<{ role: string; state: string; record?: { user: { login: string; id: number } } }>;
}

const CHECK_OF: Record<string, DecisionRecord['check']> = {
  not_release: 'success',
  not_required: 'success',
  approved: 'success',
  rejected: 'failure',
  gate_failing: 'failure',
  waiting: 'in_progress',
};

/** The decision a reconcile wrote, for a PR. */
export function decisionRecord(pr: { number: number; base: { sha: string } }, result: Reconciled): DecisionRecord {
  const who = result.outcome.record?.user ?? result.outcome.revokedBy?.user;
  return {
    pr: pr.number,
    head: result.head,
    base: pr.base.sha,
    verdict: result.gate.verdict,
    state: result.outcome.state,
    check: CHECK_OF[result.outcome.state] ?? 'in_progress',
    ...(who ? { who: { login: who.login, id: who.id } } : {}),
    ...(result.roles
      ? {
          roles: result.roles.map((r) => ({
            role: r.role,
            state: r.state,
            ...(r.record ? { who: { login: r.record.user.login, id: r.record.user.id } } : {}),
          })),
        }
      : {}),
  };
}

/** Write the one decision line: the record under `decision`, and a sentence for people. */
export function logDecision(log: Logger, d: DecisionRecord): void {
  const by = d.who ? ` by @${d.who.login}` : '';
  log.info(
    { decision: d },
    `asl-gate: RSO approval ${d.check} on PR #${d.pr} head ${d.head.slice(0, 7)} (base ${d.base.slice(0, 7)}): ${d.state.replace('_', ' ')}${by}; gate ${d.verdict}`,
  );
}

/**
 * reconcile's result passed through, after its decision line: `logged(log, pr, await reconcile(…))`.
 * A closed PR (no result) writes no check, so no line.
 */
export function logged<R extends Reconciled | undefined>(
  log: Logger,
  pr: { number: number; base: { sha: string } },
  result: R,
): R {
  if (result) logDecision(log, decisionRecord(pr, result));
  return result;
}
