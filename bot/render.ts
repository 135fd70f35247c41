import type { Policy } from '../src/load/policy.js';
import { unconfiguredPackRoles } from '../src/engine/signoff.js';
import { cell } from '../src/report/markdown.js';
import type { AuditRecord, GateState, LedgerEntry, Outcome, RoleState } from './decide.js';
import type { CheckFields } from './reconcile.js';

/** Hidden first line that identifies this App's sticky comment. */
export const STICKY_MARKER = '<!-- asl-gate:rso-approval -->';
/** Hidden second line of the sticky comment: the full SHA of the head (and the base) it was last drawn for. */
const STICKY_HEAD = '<!-- asl-gate:head ';
const STATE_PREFIX = '<!-- asl-gate:state ';

export interface ReleaseSummary {
  declaration: string;
  model: string | null;
  declared: Record<string, string>;
  verdict: 'pass' | 'fail';
  noncompliance: Array<{ finding: string; assessment?: string; reason: string }>;
  /** The change removes this release (its declaration is at the base, not at the head). */
  removed?: boolean;
}

/** The gate's verdict on one head, with what the comment and the check show of it. */
export interface GateSummary extends GateState {
  /** The PR changes the gate config or a pack. */
  policyChanged: boolean;
  releases: ReleaseSummary[];
  findings: Array<{ code: string; where: string; message: string }>;
}

interface View {
  outcome: Outcome;
  gate: GateSummary;
  head: string;
  policy: Policy;
  /** The state of each required role (decideRoles); without `signoff:`, the rso role. */
  roles?: RoleState[];
  /** With `signoff:`: why each required role is needed (which release at which level, a config change). */
  why?: ReadonlyMap<string, string[]>;
}

interface CheckView extends View {
  key: GateKey;
  state: RunState;
}

/** What a gate verdict was computed from: the head, the base (its policy) and the day. */
export interface GateKey {
  head: string;
  base: string;
  today: string;
}

/** What this App keeps in its own check run for one (head, base): see the design in decide.ts. */
export interface RunState {
  /** The gate verdict, reusable while head, base commit and day are the same. */
  gate?: GateSummary;
  /**
   * When this App saw the head become the PR's head for this base, on GitHub's clock (a run's
   * `started_at` as GitHub recorded it), never the App host's.
   */
  since?: string;
  /** `since` is the `started_at` of the run carrying this state (a run a head event created). */
  sinceRun?: boolean;
  /**
   * The PR whose head event set `since`. A check run belongs to a commit, not to a PR: another PR
   * with the same head and base shares it, and its `since` says nothing about when this PR's
   * branch reached the commit.
   */
  sincePr?: number;
  /** The commands this App accepted for (head, base). */
  ledger: LedgerEntry[];
  /**
   * Why no approval can count on (head, base) any more: its record could not be kept whole (the
   * ledger outgrew the check run's output). Any run of ours saying so holds it for good.
   */
  sealed?: string;
}

/** GitHub's limit on a check run's `output.summary` and `output.text` (422 past it). */
export const CHECK_OUTPUT_MAX = 65_535;
/** GitHub's limit on a comment's body. */
export const COMMENT_MAX = 65_536;
/** The most of `output.text` the state may take; the readable part gets what it leaves. */
export const STATE_MAX = 56_000;
const TRUNCATED = '\n\n…(truncated)';
/** Most characters of user text (a reason, a model name, a finding's message) the state keeps. */
const TEXT_MAX = 300;

/**
 * `s` cut to at most `max` UTF-8 bytes (never more characters than GitHub counts, however it
 * counts them), with a note when cut.
 */
export function fit(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  const room = max - Buffer.byteLength(TRUNCATED, 'utf8');
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > room) break;
    out += ch;
    bytes += b;
  }
  return out + TRUNCATED;
}

const clip = (s: string, max = TEXT_MAX) => (s.length <= max ? s : `${[...s].slice(0, max).join('')}…`);

/** The gate as the state keeps it: the verdict bits and the summary, with user text cut short. */
function compactGate(g: GateSummary): GateSummary {
  return {
    relevant: g.relevant,
    verdict: g.verdict,
    approvalRequired: g.approvalRequired,
    policyChanged: g.policyChanged,
    releases: g.releases.map((r) => ({
      declaration: clip(r.declaration),
      model: r.model === null ? null : clip(r.model),
      declared: Object.fromEntries(Object.entries(r.declared).map(([k, v]) => [clip(k, 100), clip(v, 100)])),
      verdict: r.verdict,
      noncompliance: r.noncompliance.map((n) => ({
        finding: clip(n.finding, 100),
        ...(n.assessment !== undefined ? { assessment: clip(n.assessment) } : {}),
        reason: clip(n.reason),
      })),
      ...(r.removed ? { removed: true } : {}),
    })),
    findings: g.findings.map((f) => ({ code: clip(f.code, 100), where: clip(f.where), message: clip(f.message) })),
  };
}

/** A ledger entry as the state keeps it: a reject's reason cut short. */
function compactEntry(e: LedgerEntry): LedgerEntry {
  return { ...e, ...(e.reason !== undefined ? { reason: clip(e.reason) } : {}) };
}

/**
 * The state block for a run, within STATE_MAX: the gate is only a cache, so it goes first when
 * space runs short; the ledger is never cut. Undefined when even the ledger alone does not fit.
 */
export function stateBlock(state: RunState, key: GateKey): string | undefined {
  const ledger = state.ledger.map(compactEntry);
  const base: RunState = {
    ...(state.since ? { since: state.since } : {}),
    ...(state.sinceRun ? { sinceRun: true } : {}),
    ...(state.sincePr !== undefined ? { sincePr: state.sincePr } : {}),
    ...(state.sealed ? { sealed: clip(state.sealed) } : {}),
    ledger,
  };
  if (state.gate) {
    const full = encodeState({ ...base, gate: compactGate(state.gate) }, key);
    if (full.length <= STATE_MAX) return full;
  }
  const bare = encodeState(base, key);
  return bare.length <= STATE_MAX ? bare : undefined;
}

/** A check run's output.text: the readable part cut to leave room for the state, which is never cut. */
export function withState(readable: string, block: string): string {
  return `${fit(readable, CHECK_OUTPUT_MAX - block.length - 2)}\n\n${block}`;
}

/**
 * The state travels in this App's own check run (only the App can write it), so a comment event
 * can reuse the verdict without recomputing it and replay the commands the App bound to this head.
 * Base64 keeps user text from closing the HTML comment.
 */
export function encodeState(state: RunState, key: GateKey): string {
  return `${STATE_PREFIX}${Buffer.from(JSON.stringify({ v: 3, ...key, ...state })).toString('base64')} -->`;
}

/**
 * The state a run carries; the gate only when computed for `key`, the ledger only when for
 * `key.head`; `since` resolved to the run's `startedAt` (GitHub's) when the state says so.
 */
export function decodeState(text: string | null | undefined, key: GateKey, startedAt?: string | null): RunState {
  const i = text?.lastIndexOf(STATE_PREFIX) ?? -1;
  if (!text || i < 0) return { ledger: [] };
  try {
    const raw = text.slice(i + STATE_PREFIX.length, text.indexOf(' -->', i));
    const state = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as GateKey & { v: number } & RunState;
    if (state.v !== 3 || state.head !== key.head) return { ledger: [] };
    const gate = state.base === key.base && state.today === key.today ? state.gate : undefined;
    const since = state.sinceRun ? startedAt : state.since;
    return {
      ...(gate ? { gate } : {}),
      ...(typeof since === 'string' && since ? { since } : {}),
      ...(typeof state.sincePr === 'number' ? { sincePr: state.sincePr } : {}),
      ...(typeof state.sealed === 'string' ? { sealed: state.sealed } : {}),
      ledger: Array.isArray(state.ledger) ? state.ledger : [],
    };
  } catch {
    return { ledger: [] };
  }
}

/** The head the sticky comment was last drawn for, followed by ` <base>` when drawn with one. */
export function stickyHead(body: string): string | undefined {
  const i = body.indexOf(STICKY_HEAD);
  return i < 0 ? undefined : body.slice(i + STICKY_HEAD.length, body.indexOf(' -->', i));
}

const short = (sha: string) => sha.slice(0, 7);
const levels = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([s, l]) => `${s} ${l}`)
    .join(', ') || '—';

function audit(r: AuditRecord): string {
  return [
    `| | |`,
    `|---|---|`,
    ...(r.role ? [`| Role | ${cell(r.role)} |`] : []),
    `| ${r.action === 'approve' ? 'Approved' : 'Rejected'} by | @${cell(r.user.login)} (user id ${r.user.id}) |`,
    `| When | ${r.at} |`,
    `| Commit | \`${r.sha}\` |`,
    `| Comment | ${r.commentUrl} |`,
    ...(r.reason ? [`| Reason | ${cell(r.reason)} |`] : []),
  ].join('\n');
}

function releasesTable(gate: GateSummary): string {
  if (gate.releases.length === 0)
    return gate.policyChanged ? 'This pull request changes the gate configuration or a pack.' : '';
  const rows = gate.releases.map((r) =>
    r.removed
      ? `| ${cell(r.declaration)} | removed by this pull request | — |`
      : `| ${cell(r.model ?? r.declaration)} | ${cell(levels(r.declared))} | ${r.verdict === 'pass' ? '✅ pass' : '❌ fail'} |`,
  );
  const nc = gate.releases.flatMap((r) =>
    r.noncompliance.map(
      (n) =>
        `- ${cell(r.model ?? r.declaration)}: \`${cell(n.finding)}\`${n.assessment ? ` (${cell(n.assessment)})` : ''} — ${cell(n.reason)}`,
    ),
  );
  return [
    '| Release | Declared | ASL gate |',
    '|---|---|---|',
    ...rows,
    ...(gate.policyChanged ? ['', 'This pull request also changes the gate configuration or a pack.'] : []),
    ...(nc.length ? ['', '**Acknowledged noncompliance**', ...nc] : []),
  ].join('\n');
}

function findingsList(gate: GateSummary): string {
  return gate.findings.map((f) => `- \`${f.code}\` ${cell(f.where)}: ${cell(f.message)}`).join('\n');
}

/**
 * The `RSO approval` check run for the head: its conclusion and its audit record, within GitHub's
 * limits on the output whatever the author wrote (the state is never cut; see stateBlock).
 */
export function renderCheck(view: CheckView): CheckFields {
  const block = stateBlock({ ...view.state, gate: view.gate }, view.key);
  if (block === undefined) return sealedCheck(view.state, view.key, 'the record of decisions outgrew the check run');
  const text = withState(releasesTable(view.gate), block);
  const fields = view.why ? renderSignoffCheck(view, text) : renderRsoCheck(view, text);
  return {
    ...fields,
    output: {
      title: fit(fields.output.title, 1_000),
      summary: fit(fields.output.summary, CHECK_OUTPUT_MAX),
      ...(fields.output.text !== undefined ? { text: fields.output.text } : {}),
    },
  };
}

/**
 * The smallest run that still records what must hold: no approval counts on (head, base) any more.
 * Its state has no ledger (the older runs keep theirs), only `since` and why it is sealed.
 */
export function sealedCheck(state: RunState, key: GateKey, why: string): CheckFields {
  return {
    status: 'in_progress',
    output: {
      title: 'No approval can count on this commit',
      summary: `The App could not keep the record of decisions for ${short(key.head)} whole (${why}), so no approval counts on it: push a new commit.`,
      text: encodeState(
        {
          ...(state.since ? { since: state.since } : {}),
          ...(state.sincePr !== undefined ? { sincePr: state.sincePr } : {}),
          sealed: clip(state.sealed ?? why),
          ledger: [],
        },
        key,
      ),
    },
  };
}

/** A check run's fields: `completed` with a conclusion, or `in_progress` without one. */
function fields(
  conclusion: 'success' | 'failure' | undefined,
  title: string,
  summary: string,
  text: string,
): CheckFields {
  const output = { title, summary, text };
  return conclusion ? { status: 'completed', conclusion, output } : { status: 'in_progress', output };
}

function renderRsoCheck(view: CheckView, text: string): CheckFields {
  const { outcome, gate, head, policy } = view;
  const from = policy.settings.approval.fromLevel;
  switch (outcome.state) {
    case 'not_release':
      return fields(
        'success',
        'Not a release',
        'This pull request touches no model release, gate configuration or pack: no RSO approval is needed.',
        text,
      );
    case 'gate_failing':
      return fields(
        'failure',
        `ASL gate fails on ${short(head)}`,
        `RSO approval cannot be granted while the ASL gate fails on this commit.\n\n${findingsList(gate)}`,
        text,
      );
    case 'not_required':
      return fields(
        'success',
        'RSO approval not required',
        `The ASL gate passes on ${short(head)}, every declared level is below ${from} and no noncompliance is acknowledged.`,
        text,
      );
    case 'approved':
      return fields(
        'success',
        `Approved by @${outcome.record.user.login} for ${short(head)}`,
        audit(outcome.record),
        text,
      );
    case 'rejected':
      return fields('failure', `Rejected by @${outcome.record.user.login}`, audit(outcome.record), text);
    default:
      return fields(
        undefined,
        `Waiting for RSO approval of ${short(head)}`,
        `An RSO approves this exact commit by commenting \`/rso approve ${short(head)}\`.${outcome.blocked ? `\n\nNo approval counts: ${outcome.blocked}.` : ''}${outcome.revokedBy ? `\n\nThe previous decision was revoked by @${outcome.revokedBy.user.login} at ${outcome.revokedBy.at} (${outcome.revokedBy.commentUrl}).` : ''}`,
        text,
      );
  }
}

/** The check under a config's `signoff:`: its output is the audit record of every required role. */
function renderSignoffCheck({ outcome, gate, head, roles = [], why }: CheckView, text: string): CheckFields {
  const audit = roleAudit(roles, why);
  switch (outcome.state) {
    case 'not_release':
      return fields(
        'success',
        'Not a release',
        'This pull request touches no model release, gate configuration or pack: no sign-off is needed.',
        text,
      );
    case 'gate_failing':
      return fields(
        'failure',
        `ASL gate fails on ${short(head)}`,
        `No sign-off can be granted while the ASL gate fails on this commit.\n\n${findingsList(gate)}`,
        text,
      );
    case 'not_required':
      return fields(
        'success',
        'Sign-off not required',
        `The ASL gate passes on ${short(head)}; no rule of signoff.require applies to the declared levels and no noncompliance is acknowledged.`,
        text,
      );
    case 'approved':
      return fields(
        'success',
        `Signed off for ${short(head)} by ${roles.map((r) => `@${r.record!.user.login} (${r.role})`).join(', ')}`,
        audit,
        text,
      );
    case 'rejected':
      return fields(
        'failure',
        `Rejected by @${outcome.record.user.login}${outcome.record.role ? ` as ${outcome.record.role}` : ''}`,
        audit,
        text,
      );
    default: {
      const open = roles.filter((r) => r.state !== 'approved').map((r) => r.role);
      return fields(
        undefined,
        `Waiting for sign-off of ${short(head)}: ${open.join(', ')}`,
        `Each required role signs off this exact commit, each by a different person: ${open.map((r) => `\`/signoff approve ${r} ${short(head)}\``).join(', ')}.${outcome.blocked ? `\n\nNo approval counts: ${outcome.blocked}.` : ''}\n\n${audit}`,
        text,
      );
    }
  }
}

/** One row per required role: who signed or rejected, when, which commit, which comment, and why it is needed. */
function roleAudit(roles: RoleState[], why: ReadonlyMap<string, string[]> | undefined): string {
  const rows = roles.map((r) => {
    const rec = r.record;
    const needed = cell((why?.get(r.role) ?? []).join('; '));
    if (!rec)
      return `| ${cell(r.role)} | ${needed} | waiting${r.revokedBy ? ` (revoked by @${cell(r.revokedBy.user.login)} at ${r.revokedBy.at}, ${r.revokedBy.commentUrl})` : ''} | | | | |`;
    return `| ${cell(r.role)} | ${needed} | ${rec.action === 'approve' ? 'approved' : `rejected: ${cell(rec.reason ?? '')}`} | @${cell(rec.user.login)} (user id ${rec.user.id}) | ${rec.at} | \`${rec.sha}\` | ${rec.commentUrl} |`;
  });
  return [
    '| Role | Needed for | State | By | When | Commit | Comment |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `@login` for users, `@owner/team` for teams. */
function holders(h: { users: string[]; teams: string[] }, owner: string | undefined): string[] {
  return [...h.users.map((u) => `@${u}`), ...h.teams.map((t) => (owner ? `@${owner}/${t}` : `team ${t}`))];
}

/** The sticky comment's table: each role, who may sign, who has signed, what is still needed. */
function rolesTable({ outcome, head, policy, roles = [], why }: View, owner: string | undefined): string {
  const so = policy.settings.signoff;
  const cmd = (role: string, verb: string) => (so ? `/signoff ${verb} ${role}` : `/rso ${verb}`);
  const rows = roles.map((r) => {
    const who = holders(so?.roles[r.role] ?? policy.settings.rso, owner).join(', ') || '(nobody is configured)';
    const rec = r.record;
    const signed = !rec
      ? r.revokedBy
        ? `— (revoked by @${cell(r.revokedBy.user.login)})`
        : '—'
      : rec.action === 'approve'
        ? `✅ @${cell(rec.user.login)} for \`${short(rec.sha)}\` ([comment](${rec.commentUrl}))`
        : `❌ @${cell(rec.user.login)}: ${cell(rec.reason ?? '')} ([comment](${rec.commentUrl}))`;
    const needed =
      r.state === 'approved'
        ? '—'
        : r.state === 'rejected'
          ? `\`${cmd(r.role, 'revoke')}\` or a new head`
          : outcome.state === 'gate_failing'
            ? 'the ASL gate to pass first'
            : outcome.state === 'not_required'
              ? 'not required'
              : `an approval: \`${cmd(r.role, 'approve')} ${short(head)}\``;
    const forWhat = why?.get(r.role);
    return `| ${cell(r.role)}${forWhat ? ` (${cell(forWhat.join('; '))})` : ''} | ${who} | ${signed} | ${needed} |`;
  });
  const others = unconfiguredPackRoles(policy).map(
    (r) =>
      `| ${cell(r)} | not configured | — | not required without signoff: in the gate config (${cell(policy.pack.pack.id)} names it) |`,
  );
  if (rows.length + others.length === 0) return '';
  return ['| Role | Who may sign | Signed | Still needed |', '|---|---|---|---|', ...rows, ...others].join('\n');
}

/** The one comment the App keeps on a release PR: who must do what next. */
export function renderSticky(view: View & { owner?: string; base?: string }): string {
  // The author writes much of it (model names, reasons): keep it within GitHub's limit on a comment.
  return fit(view.why ? renderSignoffSticky(view) : renderRsoSticky(view), COMMENT_MAX - 100);
}

function renderRsoSticky(view: View & { owner?: string; base?: string }): string {
  const { outcome, gate, head, policy, owner, base } = view;
  const { users, teams } = policy.settings.rso;
  const mentions =
    [...users.map((u) => `@${u}`), ...teams.map((t) => (owner ? `@${owner}/${t}` : `team ${t}`))].join(' ') ||
    '(no RSO is configured: set rso in .github/asl-gate.yml on the base branch)';
  const status: Record<Outcome['state'], string> = {
    not_release: 'Not a release: no approval needed.',
    gate_failing: `❌ The ASL gate fails on \`${short(head)}\`: fix the findings before an RSO can approve.`,
    not_required: `✅ The ASL gate passes on \`${short(head)}\` and no RSO approval is required.`,
    waiting: `⏳ Waiting for an RSO to approve \`${short(head)}\`.${outcome.state === 'waiting' && outcome.blocked ? ` No approval counts: ${outcome.blocked}.` : ''}`,
    approved:
      outcome.state === 'approved'
        ? `✅ Approved by @${outcome.record.user.login} for \`${short(head)}\` (${outcome.record.commentUrl}).`
        : '',
    rejected:
      outcome.state === 'rejected'
        ? `❌ Rejected by @${outcome.record.user.login}: ${cell(outcome.record.reason ?? '')}`
        : '',
  };
  return [
    STICKY_MARKER,
    `${STICKY_HEAD}${head}${base ? ` ${base}` : ''} -->`,
    `### RSO approval — ${mentions}`,
    '',
    releasesTable(gate),
    '',
    `**Status:** ${status[outcome.state]}`,
    '',
    ...(rolesTable(view, owner) ? [rolesTable(view, owner), ''] : []),
    'To approve this exact commit, an RSO comments:',
    '',
    '```',
    `/rso approve ${short(head)}`,
    '```',
    '',
    'Other commands: `/rso reject <reason>`, `/rso revoke`, `/rso status`, `/rso recheck`. A new push needs a new approval.',
  ].join('\n');
}

/** The sticky comment under a config's `signoff:`: the roles table and the exact commands for this head. */
function renderSignoffSticky(view: View & { owner?: string; base?: string }): string {
  const { outcome, gate, head, policy, owner, base, roles = [] } = view;
  const so = policy.settings.signoff!;
  const open = roles.filter((r) => r.state === 'waiting').map((r) => r.role);
  const mentions = [...new Set(open.flatMap((r) => holders(so.roles[r] ?? { users: [], teams: [] }, owner)))].join(' ');
  const signed = roles.filter((r) => r.state === 'approved').map((r) => `@${r.record!.user.login} (${r.role})`);
  const status: Record<Outcome['state'], string> = {
    not_release: 'Not a release: no sign-off needed.',
    gate_failing: `❌ The ASL gate fails on \`${short(head)}\`: fix the findings before anyone can sign off.`,
    not_required: `✅ The ASL gate passes on \`${short(head)}\` and no sign-off is required.`,
    waiting: `⏳ Waiting for ${open.join(', ')} to sign off \`${short(head)}\`, each by a different person.${signed.length ? ` Signed: ${signed.join(', ')}.` : ''}${outcome.state === 'waiting' && outcome.blocked ? ` No approval counts: ${outcome.blocked}.` : ''}`,
    approved: `✅ Signed off for \`${short(head)}\` by ${signed.join(', ')}.`,
    rejected:
      outcome.state === 'rejected'
        ? `❌ Rejected by @${outcome.record.user.login}${outcome.record.role ? ` as ${outcome.record.role}` : ''}: ${cell(outcome.record.reason ?? '')}`
        : '',
  };
  const commands = outcome.state === 'waiting' ? open.map((r) => `/signoff approve ${r} ${short(head)}`) : [];
  return [
    STICKY_MARKER,
    `${STICKY_HEAD}${head}${base ? ` ${base}` : ''} -->`,
    `### Sign-off${mentions ? ` — ${mentions}` : ''}`,
    '',
    releasesTable(gate),
    '',
    `**Status:** ${status[outcome.state]}`,
    '',
    ...(rolesTable(view, owner) ? [rolesTable(view, owner), ''] : []),
    ...(commands.length
      ? [
          'To sign off this exact commit, a different person holding each role still needed comments:',
          '',
          '```',
          ...commands,
          '```',
          '',
        ]
      : []),
    'Other commands: `/signoff reject ROLE <reason>`, `/signoff revoke ROLE`, `/signoff status`, `/signoff recheck`; `/rso …` is `/signoff … rso`. A new push needs new sign-offs.',
  ].join('\n');
}
