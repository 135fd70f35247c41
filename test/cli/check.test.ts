// The `asl-gate` bin as a process: what a user at a terminal sees.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleRepo, ROOT, writeRepo } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp.js';

const BIN = join(ROOT, 'bin/asl-gate.js');
function asl(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('asl-gate check (process)', () => {
  it('the quick start: the examples repository shows each verdict', () => {
    const r = asl(['check', 'examples', '--now', '2026-11-28']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/PASS {2}haiku-mini/);
    expect(r.stdout).toMatch(/PASS {2}nova-2/);
    expect(r.stdout).toMatch(/FAIL {2}orion-1 /);
    expect(r.stdout).toMatch(/PASS {2}orion-1-ack/);
    expect(r.stdout).toMatch(/FAIL {2}lyra-3/);
    expect(r.stdout).toContain('evaluation.late');
    expect(r.stdout).toContain('releases/orion-1/assessments/cbrn.yml:6:12');
    expect(r.stdout).toMatch(/FAIL {2}5 releases, 2 failing; 2 errors, 1 warning/);
    expect(r.stdout).not.toContain('\u001b['); // not a TTY: no colour
  });

  it("the README's quick start shows exactly what the command prints", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start'));
    expect(quick).toContain('npm ci\nnpx asl-gate check examples --now 2026-12-01\n');
    const shown = /```text\n([\s\S]*?)```/.exec(quick)![1];
    expect(asl(['check', 'examples', '--now', '2026-12-01']).stdout).toBe(shown);
  });

  it('with no PATH, check and due read the repository around the working folder', () => {
    const root = writeRepo(exampleRepo('nova-2'));
    const inside = join(root, 'releases/nova-2/assessments');
    const check = asl(['check', '--now', '2026-11-28'], inside);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/PASS {2}nova-2/);
    const due = asl(['due', '--now', '2026-11-28', '--format', 'json'], inside);
    expect(due.stderr).toBe('');
    expect(JSON.stringify(JSON.parse(due.stdout))).toContain('nova-2');
  });

  it('json output has the SPEC shape', () => {
    const r = asl(['check', 'examples', '--format', 'json', '--now', '2026-11-28']);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['verdict', 'releases', 'findings']);
    expect(report.verdict).toBe('fail');
    for (const rel of report.releases) {
      expect(rel).toMatchObject({
        declaration: expect.any(String),
        model: expect.any(String),
        declared: expect.any(Object),
        required: expect.any(Object),
        verdict: expect.any(String),
        findings: expect.any(Array),
      });
    }
    expect(report.findings).toHaveLength(3);
  });

  it('a passing declaration file exits 0; markdown has the gantt with late ones crit', () => {
    expect(asl(['check', 'examples/releases/nova-2/asl.yml', '--now', '2026-11-28']).code).toBe(0);
    const md = asl(['check', 'examples/releases/orion-1/asl.yml', '--format', 'markdown', '--now', '2026-11-28']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('```mermaid\ngantt');
    expect(md.stdout).toContain('3 days late : crit, 2026-11-15, 2026-11-18');
  });

  it('usage errors exit 2 with a message and no stack trace', () => {
    for (const args of [
      ['check', '--format', 'yaml'],
      ['check', '--now', '2026-13-01'],
      ['check', '--bogus'],
      ['frobnicate'],
      ['check', 'no/such/path'],
    ]) {
      const r = asl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^asl-gate: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a bad config is exit 2 with file:line:column', () => {
    const files = exampleRepo('nova-2');
    files['.github/asl-gate.yml'] = 'grace_days: -1\nrso: {users: kaplan}\n';
    const root = writeRepo(files);
    const r = asl(['check'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.github/asl-gate.yml:1:13: schema.invalid');
    expect(r.stderr).toContain('.github/asl-gate.yml:2:14: schema.invalid');
  });

  it('--help exits 0', () => {
    const r = asl(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: asl-gate');
  });

  it('schema prints the JSON Schema of a file kind', () => {
    const r = asl(['schema', 'declaration']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.properties.release_date.pattern).toBeDefined();
    expect(s.additionalProperties).toBe(false);
    expect(asl(['schema', 'nope']).code).toBe(2);
  });
});

/** A repository of `n` copies of the lyra-3 release: a report far larger than a pipe's buffer. */
function copiesOfLyra(n: number): string {
  const files: Record<string, string> = {
    '.github/asl-gate.yml': readFileSync(join(EXAMPLES, '.github/asl-gate.yml'), 'utf8'),
  };
  const lyra = exampleRepo('lyra-3');
  for (let i = 0; i < n; i++) {
    for (const [p, t] of Object.entries(lyra))
      if (p.startsWith('releases/lyra-3/')) files[p.replace('releases/lyra-3/', `releases/m${i}/`)] = t;
  }
  return writeRepo(files);
}

describe('standard output (process)', () => {
  it('a real terminal gets colour, NO_COLOR none, /dev/null and a file none', () => {
    // util-linux `script` runs the command under a pseudo-terminal.
    const tty = (env: string) =>
      spawnSync(
        'script',
        [
          '-qec',
          `${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check examples --now 2026-11-28`,
          '/dev/null',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
    const coloured = tty('');
    expect(coloured.error).toBeUndefined();
    expect(coloured.stdout).toContain('\u001b[31mFAIL\u001b[0m');
    expect(tty('NO_COLOR=1').stdout).not.toContain('\u001b[');
    expect(tty('NO_COLOR=1').stdout).toContain('FAIL  lyra-3');
    const toDevNull = spawnSync(process.execPath, [BIN, 'check', 'examples', '--now', '2026-11-28'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    expect(toDevNull.status).toBe(1);
    expect(toDevNull.stderr).toBe('');
    const dir = writeRepo({});
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    const toFile = spawnSync(process.execPath, [BIN, 'check', 'examples', '--now', '2026-11-28'], {
      cwd: ROOT,
      stdio: ['ignore', fd, 'pipe'],
    });
    closeSync(fd);
    expect(toFile.status).toBe(1);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/FAIL {2}5 releases, 2 failing; 2 errors, 1 warning\n$/);
    expect(text).not.toContain('\u001b[');
  });

  it('a large report through a slow pipe arrives whole', async () => {
    // The reader is slow to start.
    const dir = copiesOfLyra(150);
    const child = spawn(process.execPath, [BIN, 'check', dir, '--now', '2026-11-28', '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise((r) => setTimeout(r, 300));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(out.length).toBeGreaterThan(200_000);
    expect(JSON.parse(out).releases).toHaveLength(150);
  });

  it('a reader that has gone away (`| head`) costs the output, not the exit code', async () => {
    const child = spawn(process.execPath, [BIN, 'check', 'examples', '--now', '2026-11-28'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // closes the read end before the CLI writes
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const code = await new Promise((r) => child.on('close', r));
    expect(err).toBe('');
    expect(code).toBe(1);
  });

  it("a non-blocking pipe that fills up: the rest goes through Node's stream, nothing lost", async () => {
    const dir = copiesOfLyra(600);
    // python3 makes the pipe non-blocking, then becomes the CLI: its first write fills the pipe.
    const py = `import os, sys; os.set_blocking(1, False); os.execv(sys.argv[1], sys.argv[1:])`;
    const child = spawn(
      'python3',
      ['-c', py, process.execPath, BIN, 'check', dir, '--now', '2026-11-28', '--format', 'json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    await new Promise((r) => setTimeout(r, 300));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise((r) => child.on('close', r));
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out.length).toBeGreaterThan(500_000);
    expect(JSON.parse(out).releases).toHaveLength(600);
  });
});

describe('compile cache (process)', () => {
  it("Node's compile cache lives beside the CLI bundle, never in a shared folder; later runs print the same", () => {
    const copy = tempDir('cli');
    cpSync(join(ROOT, 'lib/cli'), join(copy, 'lib/cli'), {
      recursive: true,
      filter: (src) => !src.includes('compile-cache'),
    });
    cpSync(BIN, join(copy, 'bin/asl-gate.js'));
    const go = (...args: string[]) =>
      spawnSync(process.execPath, [join(copy, 'bin/asl-gate.js'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
    const first = go('check', 'examples', '--now', '2026-11-28');
    expect(existsSync(join(copy, 'lib/cli/compile-cache'))).toBe(true);
    const second = go('check', 'examples', '--now', '2026-11-28');
    expect(second).toMatchObject({ status: 1, stderr: '', stdout: first.stdout });
    expect(first.stdout).toMatch(/FAIL {2}5 releases, 2 failing/);
  });
});
