// `asl-gate protect`: the ruleset plan, create / update / no-op, dry run and clear errors — with
// nock in-process, and as a process against the loopback stand-in.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo.js';
import { cli } from '../helpers/cli.js';
import { GitHubStandIn } from '../standin/github.js';

const API = 'https://api.github.com';
const env = { GITHUB_TOKEN: 'ghp_admin', GITHUB_API_URL: API };
const ours = (id: number, checks: Array<{ context: string; integration_id?: number }>, extraRules: unknown[] = []) => ({
  id,
  name: 'asl-gate: main',
  target: 'branch',
  enforcement: 'active',
  conditions: { ref_name: { include: ['refs/heads/main'], exclude: [] } },
  rules: [
    ...extraRules,
    {
      type: 'required_status_checks',
      parameters: { strict_required_status_checks_policy: false, required_status_checks: checks },
    },
  ],
});
const WANT = [{ context: 'ASL gate: main' }, { context: 'RSO approval: main', integration_id: 4242 }];

describe('asl-gate protect (nock)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  it('creates the ruleset, printing the plan', async () => {
    const scope = nock(API)
      .get('/repos/lab/models')
      .reply(200, { id: 1 })
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, [])
      .post(
        '/repos/lab/models/rulesets',
        (b) =>
          b.name === 'asl-gate: main' &&
          JSON.stringify(b.rules[0].parameters.required_status_checks) === JSON.stringify(WANT) &&
          b.conditions.ref_name.include[0] === 'refs/heads/main',
      )
      .matchHeader('authorization', 'token ghp_admin')
      .reply(201, { id: 9 });
    const r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242'], ROOT, env);
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ruleset "asl-gate: main" on lab/models: create (id 9)');
    expect(r.stdout).toContain('+ required_status_checks["RSO approval: main"]: integration_id 4242');
    expect(r.stdout).toContain('Done: created.');
  });

  it('--gate-app-id binds ASL gate too; --branch names the branch', async () => {
    const scope = nock(API)
      .get('/repos/lab/models')
      .reply(200, { id: 1 })
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, [])
      .post(
        '/repos/lab/models/rulesets',
        (b) =>
          b.name === 'asl-gate: release' &&
          b.conditions.ref_name.include[0] === 'refs/heads/release' &&
          b.rules[0].parameters.required_status_checks[0].integration_id === 15368,
      )
      .reply(201, { id: 10 });
    const r = await cli(
      ['protect', '--repo', 'lab/models', '--app-id', '4242', '--gate-app-id', '15368', '--branch', 'release'],
      ROOT,
      env,
    );
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(r.stdout).toContain('+ required_status_checks["ASL gate: release"]: integration_id 15368');
    expect(r.stdout).toContain('+ required_status_checks["RSO approval: release"]: integration_id 4242');
  });

  it('updates a drifted ruleset, keeping its other rules', async () => {
    const existing = ours(
      9,
      [{ context: 'ASL gate: main' }, { context: 'RSO approval: main' }],
      [{ type: 'deletion' }],
    );
    const scope = nock(API)
      .get('/repos/lab/models')
      .reply(200, { id: 1 })
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, [{ id: 9, name: 'asl-gate: main' }])
      .get('/repos/lab/models/rulesets/9')
      .reply(200, existing)
      .put(
        '/repos/lab/models/rulesets/9',
        (b) =>
          b.rules.some((r: { type: string }) => r.type === 'deletion') &&
          b.rules.at(-1).parameters.required_status_checks[1].integration_id === 4242,
      )
      .reply(200, { id: 9 });
    const r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242'], ROOT, env);
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(r.stdout).toContain(
      '- required_status_checks["RSO approval: main"]: any source\n+ required_status_checks["RSO approval: main"]: integration_id 4242',
    );
  });

  it('changes nothing when the ruleset is already right', async () => {
    const scope = nock(API)
      .get('/repos/lab/models')
      .reply(200, { id: 1 })
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, [{ id: 9, name: 'asl-gate: main' }])
      .get('/repos/lab/models/rulesets/9')
      .reply(200, ours(9, WANT));
    const r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242'], ROOT, env);
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(r.stdout).toContain('Nothing to change.');
  });

  it('--dry-run makes no write', async () => {
    const scope = nock(API)
      .get('/repos/lab/models')
      .reply(200, { id: 1 })
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, []);
    const r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242', '--dry-run'], ROOT, env);
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(r.stdout).toContain('Dry run: nothing was changed.');
  });

  it('clear errors: unknown repo, no admin rights, a clashing check, missing arguments', async () => {
    nock(API).get('/repos/lab/nope').reply(404, { message: 'Not Found' });
    let r = await cli(['protect', '--repo', 'lab/nope', '--app-id', '4242'], ROOT, env);
    expect([r.code, r.stderr]).toEqual([
      2,
      'asl-gate protect: lab/nope: repository not found, or this token cannot see its rulesets (reading the repository)\n',
    ]);

    nock(API)
      .get('/repos/lab/models')
      .reply(200, {})
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(403, { message: 'Must have admin rights to Repository.' });
    r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242'], ROOT, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lacks admin rights/);

    nock(API)
      .get('/repos/lab/models')
      .reply(200, {})
      .get('/repos/lab/models/rulesets')
      .query(true)
      .reply(200, [{ id: 3, name: 'org checks' }])
      .get('/repos/lab/models/rulesets/3')
      .reply(200, { ...ours(3, [{ context: 'RSO approval: main', integration_id: 777 }]), name: 'org checks' });
    r = await cli(['protect', '--repo', 'lab/models', '--app-id', '4242'], ROOT, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /ruleset "org checks" \(id 3\) already requires "RSO approval: main" from integration 777/,
    );

    expect((await cli(['protect', '--app-id', '1'], ROOT, env)).code).toBe(2);
    expect((await cli(['protect', '--repo', 'lab/models'], ROOT, env)).stderr).toMatch(/App's id/);
    expect((await cli(['protect', '--repo', 'lab/models', '--app-id', '1'], ROOT, {})).stderr).toMatch(
      /GITHUB_TOKEN or GH_TOKEN/,
    );
  });
});

describe('asl-gate protect (process, stand-in)', () => {
  it('creates, then finds nothing to change; no admin rights is a clear error', async () => {
    const gh = new GitHubStandIn();
    await gh.start();
    try {
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          // spawnSync would block the stand-in's event loop; run asynchronously.
          const child = spawn(process.execPath, [join(ROOT, 'bin/asl-gate.js'), 'protect', ...args], {
            env: { PATH: process.env.PATH, GH_TOKEN: 'ghp_x', GITHUB_API_URL: gh.url },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      const first = await run(['--repo', 'lab/models', '--app-id', '4242']);
      expect(first.code).toBe(0);
      expect(gh.rulesets).toHaveLength(1);
      const second = await run(['--repo', 'lab/models', '--app-id', '4242']);
      expect(second.stdout).toContain('Nothing to change.');
      expect(gh.calls(/^(POST|PUT)/)).toHaveLength(1);
      gh.admin = false;
      const denied = await run(['--repo', 'lab/models', '--app-id', '4242', '--branch', 'release']);
      expect(denied.code).toBe(2);
      expect(denied.stderr).toMatch(/lacks admin rights/);
    } finally {
      await gh.stop();
    }
  });
});
