// Issue 17 without a server: the config's `signoff:` resolved against the pack, the /signoff
// commands, and the per-role decision (two-person rule, rejection by either role, revoke).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../bot/commands.js';
import { bind, decide, decideRoles, type CommentInfo, type LedgerEntry, type RoleRules } from '../../bot/decide.js';
import { loadPolicy } from '../../src/load/policy.js';
import { rolesRequired } from '../../src/engine/signoff.js';
import { MemorySnapshot } from '../../src/snapshot/memory.js';
import { exampleRepo, ROOT, writeRepo } from '../helpers/repo.js';

const CONFIG = `signoff:
  roles:
    rso: {users: [kaplan], teams: [responsible-scaling]}
    ceo: {users: [amodei]}
  require:
    - {from_level: ASL-2, roles: [rso]}
    - {from_level: ASL-3, roles: [rso, ceo]}
`;
/** The built-in pack with a signoff field (its id kept), as a lab's own pack file would name roles. */
const LAB_PACK = `${readFileSync(join(ROOT, 'packs/anthropic-rsp-2.2.yml'), 'utf8')}signoff:\n  - from_level: ASL-3\n    roles: [ceo, rso]\n    source: "RSP 2.2 §3.3 and §4.3"\n`;
const policyOf = (config: string) =>
  loadPolicy(
    new MemorySnapshot({ '.github/asl-gate.yml': `${config}\npolicy: packs/lab.yml\n`, 'packs/lab.yml': LAB_PACK }),
  );

describe('config signoff: against the pack', () => {
  it('maps the roles, orders the rules, defaults changes to every role a rule names', async () => {
    const r = await policyOf(CONFIG);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.policy.settings;
    expect(s.signoff).toEqual({
      roles: { rso: { users: ['kaplan'], teams: ['responsible-scaling'] }, ceo: { users: ['amodei'], teams: [] } },
      require: [
        { fromLevel: 'ASL-2', roles: ['rso'] },
        { fromLevel: 'ASL-3', roles: ['rso', 'ceo'] },
      ],
      changes: ['rso', 'ceo'],
    });
    // The engine's "approval required" starts at the lowest rule; rso is the signoff role's.
    expect(s.approval.fromLevel).toBe('ASL-2');
    expect(s.rso).toEqual({ users: ['kaplan'], teams: ['responsible-scaling'] });
  });

  it('the rule at the highest declared level applies; noncompliance below every rule asks the lowest; unknown levels ask every role', async () => {
    const r = await policyOf(CONFIG);
    if (!r.ok) throw new Error('config');
    const roles = (declared: Record<string, string>, needsApproval = false, changed = false) =>
      [...rolesRequired(r.policy, [{ name: 'm', declared, needsApproval }], changed).keys()].sort();
    expect(roles({ deployment: 'ASL-2', security: 'ASL-3' })).toEqual(['ceo', 'rso']);
    expect(roles({ deployment: 'ASL-2', security: 'ASL-2' })).toEqual(['rso']);
    expect(roles({ deployment: 'ASL-1', security: 'ASL-1' })).toEqual([]);
    expect(roles({ deployment: 'ASL-1', security: 'ASL-1' }, true)).toEqual(['rso']);
    expect(roles({})).toEqual(['ceo', 'rso']);
    expect(roles({ deployment: 'ASL-1', security: 'ASL-1' }, false, true)).toEqual(['ceo', 'rso']);
  });

  it('dropping a role the pack demands is schema.invalid at the rule that drops it', async () => {
    const r = await policyOf(CONFIG.replace('roles: [rso, ceo]', 'roles: [rso]'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.findings).toEqual([
      expect.objectContaining({
        code: 'schema.invalid',
        file: '.github/asl-gate.yml',
        line: 7,
        message: expect.stringMatching(
          /^signoff\.require\[1\]\.roles: the rule for ASL-3 lacks "ceo": the pack anthropic-rsp-2\.2 demands "ceo" from ASL-3 \(RSP 2\.2 §3\.3/,
        ),
      }),
    ]);
  });

  it('who holds the roles is capped: 100 logins and 20 teams a role, 20 teams over all roles (attack review finding 7)', async () => {
    const many = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`).join(', ');
    const messages = async (config: string) => {
      const r = await policyOf(config);
      return r.ok ? [] : r.findings.map((f) => `${f.code} ${f.message}`);
    };
    expect(await messages(CONFIG.replace('ceo: {users: [amodei]}', `ceo: {users: [${many('u', 100)}]}`))).toEqual([]);
    expect(await messages(CONFIG.replace('ceo: {users: [amodei]}', `ceo: {users: [${many('u', 101)}]}`))).toEqual([
      expect.stringMatching(/^schema\.invalid signoff\.roles\.ceo\.users: expected at most 100 logins/),
    ]);
    expect(await messages(CONFIG.replace('ceo: {users: [amodei]}', `ceo: {teams: [${many('t', 21)}]}`))).toEqual([
      expect.stringMatching(/^schema\.invalid signoff\.roles\.ceo\.teams: expected at most 20 teams/),
    ]);
    expect(await messages(CONFIG.replace('ceo: {users: [amodei]}', `ceo: {teams: [${many('t', 20)}]}`))).toEqual([
      expect.stringMatching(/^schema\.invalid signoff\.roles: expected at most 20 teams over all roles/),
    ]);
  });

  it('no rule at the level the pack demands, a role with no holders entry, a role no entry defines: each at its line', async () => {
    const late = await policyOf(
      CONFIG.replace(
        '    - {from_level: ASL-3, roles: [rso, ceo]}\n',
        '    - {from_level: ASL-4, roles: [rso, ceo]}\n',
      ).replace('- {from_level: ASL-2, roles: [rso]}', '- {from_level: ASL-3, roles: [rso]}'),
    );
    expect(
      !late.ok && late.findings.map((f) => [f.line, f.message.split(':')[0] + ':' + f.message.split(':')[1]]),
    ).toEqual([[6, 'signoff.require[0].roles: the rule for ASL-3 lacks "ceo"']]);
    const noCeo = await policyOf(CONFIG.replace('    ceo: {users: [amodei]}\n', ''));
    expect(!noCeo.ok && noCeo.findings.map((f) => [f.line, f.message])).toEqual([
      [6, 'signoff.require[1].roles[1]: "ceo" has no entry in signoff.roles (roles: "rso")'],
    ]);
    const both = await policyOf(`rso: {users: [kaplan]}\napproval: {from_level: ASL-3}\n${CONFIG}`);
    expect(!both.ok && both.findings.map((f) => f.line)).toEqual([1, 2]);
  });

  it('the CLI exits 2 and points at the line', () => {
    const files = exampleRepo('nova-2');
    files['.github/asl-gate.yml'] = `${CONFIG.replace('roles: [rso, ceo]', 'roles: [rso]')}\npolicy: packs/lab.yml\n`;
    files['packs/lab.yml'] = LAB_PACK;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/asl-gate.js'), 'check'], {
      cwd: writeRepo(files),
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.github\/asl-gate\.yml:7:\d+: schema\.invalid: signoff\.require\[1\]\.roles/);
  });

  it("without signoff:, nothing of the pack's roles applies", async () => {
    const r = await policyOf('rso: {users: [kaplan]}\napproval: {from_level: ASL-3}\n');
    expect(r.ok && r.policy.settings.signoff).toBeUndefined();
  });
});

describe('/signoff commands', () => {
  it('parses ROLE and SHA; /rso stays as it was', () => {
    expect(
      parseCommands(
        '/signoff approve\n/signoff approve ceo\n/signoff approve 1a2b3c4\n/signoff approve ceo 1a2b3c4\n/signoff revoke rso\n/signoff status',
      ),
    ).toEqual([
      { name: 'approve', signoff: true },
      { name: 'approve', signoff: true, role: 'ceo' },
      { name: 'approve', signoff: true, sha: '1a2b3c4' },
      { name: 'approve', signoff: true, role: 'ceo', sha: '1a2b3c4' },
      { name: 'revoke', signoff: true, role: 'rso' },
      { name: 'status' },
    ]);
    expect(parseCommands('/signoff reject ceo Not yet.')).toEqual([
      { name: 'reject', signoff: true, role: 'ceo', reason: 'Not yet.', reasonWithRole: 'ceo Not yet.' },
    ]);
    expect(parseCommands('/signoff reject Missing')).toEqual([{ name: 'reject', signoff: true, reason: 'Missing' }]);
    expect(parseCommands('/signoff approve ceo main now').map((c) => c.name)).toEqual(['invalid']);
    expect(parseCommands('> /signoff approve ceo')).toEqual([]);
  });
});

describe('per-role decision', () => {
  const head = 'a'.repeat(40);
  const gate = { relevant: true, verdict: 'pass' as const, approvalRequired: true };
  const kaplan = { id: 1, login: 'kaplan', type: 'User' };
  const amodei = { id: 2, login: 'amodei', type: 'User' };
  const both = { id: 3, login: 'both', type: 'User' };
  const holds: Record<string, string[]> = { kaplan: ['rso'], amodei: ['ceo'], both: ['ceo', 'rso'] };
  const roles: RoleRules = {
    required: ['ceo', 'rso'],
    known: ['ceo', 'rso'],
    authorize: (u, role) => (holds[u.login]?.includes(role) ? undefined : `@${u.login} does not hold ${role}`),
    held: (u) => holds[(u as { login: string }).login] ?? [],
  };
  let n = 0;
  const comment = (body: string, user = kaplan): CommentInfo => {
    const at = `2026-01-02T00:00:${String(++n).padStart(2, '0')}Z`;
    return { id: n, body, created_at: at, updated_at: at, html_url: `u${n}`, user };
  };
  const entry = (c: CommentInfo, kind: LedgerEntry['kind'], role: string, reason?: string): LedgerEntry => ({
    comment: c.id,
    kind,
    role,
    user: { id: c.user!.id, login: c.user!.login },
    at: c.created_at,
    url: c.html_url,
    ...(reason ? { reason } : {}),
  });
  const state = (comments: CommentInfo[], ledger: LedgerEntry[]) =>
    decideRoles({ head, gate, comments, ledger, authorize: () => undefined, roles });

  it('one role is not enough; two people for two roles approve', () => {
    const a = comment('/rso approve');
    expect(state([a], [entry(a, 'approve', 'rso')]).outcome.state).toBe('waiting');
    const b = comment('/signoff approve ceo', amodei);
    const done = state([a, b], [entry(a, 'approve', 'rso'), entry(b, 'approve', 'ceo')]);
    expect(done.outcome.state).toBe('approved');
    expect(done.roles.map((r) => [r.role, r.state, r.record?.user.login])).toEqual([
      ['ceo', 'approved', 'amodei'],
      ['rso', 'approved', 'kaplan'],
    ]);
  });

  it('one person never fills two roles, whether recorded or replayed from a full SHA', () => {
    const a = comment('/signoff approve rso', both);
    const b = comment(`/signoff approve ceo ${head}`, both);
    const s = state([a, b], [entry(a, 'approve', 'rso')]);
    expect(s.outcome.state).toBe('waiting');
    expect(s.roles.find((r) => r.role === 'ceo')!.state).toBe('waiting');
    const bound = bind({
      head,
      gate,
      comments: [a],
      ledger: [entry(a, 'approve', 'rso')],
      authorize: () => undefined,
      roles,
      comment: comment('/signoff approve ceo', both),
      headKnown: true,
      baseKnown: true,
    });
    expect(bound.entries).toEqual([]);
    expect(bound.decisions[0].reason).toMatch(/two-person rule/);
  });

  it('a rejection by either role rejects; revoke lifts only that role', () => {
    const a = comment('/rso approve');
    const r = comment('/signoff reject ceo no', amodei);
    const ledger = [entry(a, 'approve', 'rso'), entry(r, 'reject', 'ceo', 'no')];
    expect(state([a, r], ledger).outcome).toMatchObject({ state: 'rejected', record: { role: 'ceo', reason: 'no' } });
    const v = comment('/signoff revoke', amodei);
    const after = state([a, r, v], [...ledger, entry(v, 'revoke', 'ceo')]);
    expect(after.outcome.state).toBe('waiting');
    expect(after.roles.map((x) => x.state)).toEqual(['waiting', 'approved']);
  });

  it('ROLE left out: the one role still needed, else a reply listing the roles', () => {
    const bare = (c: CommentInfo, ledger: LedgerEntry[] = [], comments: CommentInfo[] = []) =>
      bind({
        head,
        gate,
        comments,
        ledger,
        authorize: () => undefined,
        roles,
        comment: c,
        headKnown: true,
        baseKnown: true,
      });
    expect(bare(comment('/signoff approve', amodei)).entries.map((e) => e.role)).toEqual(['ceo']);
    expect(bare(comment('/signoff approve', both)).decisions[0].reason).toMatch(
      /@both holds `ceo`, `rso`, each still open/,
    );
    const a = comment('/signoff approve ceo', amodei);
    expect(
      bare(comment('/signoff approve', both), [entry(a, 'approve', 'ceo')], [a]).entries.map((e) => e.role),
    ).toEqual(['rso']);
  });

  it('without roles, decide is the single-role decision it always was', () => {
    const a = comment('/rso approve');
    expect(
      decide({
        head,
        gate,
        comments: [a],
        ledger: [{ ...entry(a, 'approve', 'rso'), role: undefined }],
        authorize: () => undefined,
      }),
    ).toEqual({
      outcome: {
        state: 'approved',
        record: {
          action: 'approve',
          user: { id: 1, login: 'kaplan' },
          at: a.created_at,
          sha: head,
          commentUrl: a.html_url,
        },
      },
    });
  });
});
