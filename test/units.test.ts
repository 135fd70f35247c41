// Small pure pieces whose edge cases are easier to state here than through a release.
import fc from 'fast-check';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, isIsoDate } from '../src/dates.js';
import { globToRegExp } from '../src/glob.js';
import { isNormalRelative, resolveReference } from '../src/safe-path.js';
import { parseYaml } from '../src/yaml/safe-yaml.js';

describe('dates', () => {
  it('accepts real calendar days only', () => {
    for (const d of ['2026-12-01', '2024-02-29', '2000-02-29', '2026-01-31']) expect(isIsoDate(d), d).toBe(true);
    for (const d of ['2026-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '2026/01/01', '26-01-01', '2026-01-001', '2026-01-00', 'abcd-ef-gh']) expect(isIsoDate(d), d).toBe(false);
  });
  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});

describe('working-tree paths', () => {
  it('a path taken as it is, unjoined, is one join would leave as it is (property)', () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', '...', '.a', 'a.', 'releases', 'asl.yml', 'a\\b'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = segments.join('/');
        if (isNormalRelative(path)) expect(join('/repo', path)).toBe(`/repo/${path}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    for (const p of ['a', 'releases/nova-2/asl.yml', '...', '.a/b.', 'a..b']) expect(isNormalRelative(p), p).toBe(true);
    for (const p of ['', '.', '..', 'a/', '/a', 'a//b', 'a/./b', 'a/../b', './a', '../a', 'a/.', 'a/..', '/']) expect(isNormalRelative(p), p).toBe(false);
    // A reference resolves to what normalising the joined path gives, shortcut or not.
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 3 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (base, ref) => {
        const r = resolveReference(base.join('/'), ref.join('/'), {});
        const expected = posix.normalize(posix.join(base.join('/') || '.', ref.join('/')));
        if (r.ok) expect(r.path).toBe(expected);
        else if (!/[\0\\:]/.test(ref.join('/')) && !ref.join('/').startsWith('/')) expect(expected === '.' || expected === '..' || expected.startsWith('../') || expected.endsWith('/')).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});

describe('globs', () => {
  it('* and ? stay within a folder; ** crosses folders', () => {
    expect(globToRegExp('releases/*').test('releases/nova')).toBe(true);
    expect(globToRegExp('releases/*').test('releases/a/b')).toBe(false);
    expect(globToRegExp('models/**/asl.yml').test('models/a/b/asl.yml')).toBe(true);
    expect(globToRegExp('models/**/asl.yml').test('models/asl.yml')).toBe(true);
    expect(globToRegExp('r/v?').test('r/v1')).toBe(true);
    expect(globToRegExp('r.x/*').test('rax/y')).toBe(false);
  });

  it('escapes every regex character a glob holds, as a regex replace would (property)', () => {
    const reference = (glob: string) =>
      `^${glob
        .split('/')
        .map((seg, i, all) => (seg === '**' ? (i === all.length - 1 ? '.*' : '(?:[^/]+/)*') : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + (i === all.length - 1 ? '' : '/')))
        .join('')}$`;
    const glob = fc.array(fc.oneof(fc.constantFrom('*', '?', '**', '.', '+', '^', '$', '{', '}', '(', ')', '|', '[', ']', '\\', 'a', '-', 'é', '😀'), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(glob, (parts) => {
        const g = parts.join('/').replace(/\/+/g, '/');
        expect(globToRegExp(g).source).toBe(new RegExp(reference(g)).source);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});

describe('safe YAML', () => {
  it('keeps a __proto__ key as data, never as a prototype', async () => {
    const r = await parseYaml('__proto__:\n  polluted: yes\nok: 1\n', 'f.yml');
    if (!r.ok) throw new Error('should parse');
    const v = r.parsed.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'ok']);
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });
  it('points at a key or a value', async () => {
    const r = await parseYaml('a:\n  b: 1\n', 'f.yml');
    if (!r.ok) throw new Error('should parse');
    expect(r.parsed.locate(['a', 'b'])).toEqual({ file: 'f.yml', line: 2, column: 6 });
    expect(r.parsed.locate(['a', 'b'], { key: true })).toEqual({ file: 'f.yml', line: 2, column: 3 });
    expect(r.parsed.locate(['a', 'missing'])).toEqual({ file: 'f.yml', line: 2, column: 3 });
  });

  // Its speed is measured in bench/yaml.mjs; here, only that it works at the size cap.
  it.each([['ASCII', 'key_7'], ['one non-ASCII character', 'kéy_7']])('a 256 KiB mapping of unique keys (%s) parses, and a duplicate among them is found at its line and column', async (_, seventh) => {
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 256 * 1024 - 64; i++) {
      const line = `${i === 7 ? seventh : `key_${i}`}: value ${i}`;
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    const text = `${lines.join('\n')}\n`;
    const ok = await parseYaml(text, 'big.yml');
    if (!ok.ok) throw new Error(`should parse: ${ok.findings[0]?.message}`);
    expect(Object.keys(ok.parsed.value as object)).toHaveLength(lines.length);

    const dup = await parseYaml(`${text}  ${seventh}: again\n`.replace(`  ${seventh}`, seventh), 'big.yml');
    expect(dup.ok).toBe(false);
    if (dup.ok) return;
    expect(dup.findings).toEqual([{ code: 'yaml.invalid', severity: 'error', message: 'duplicate key: each key may appear once in a mapping', file: 'big.yml', line: lines.length + 1, column: 1 }]);
  });
});

describe('mapLimited', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    const { mapLimited } = await import('../src/concurrency.js');
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });
});

describe('markdown report', () => {
  it('user text cannot break a table, inject HTML or the gantt', async () => {
    const { renderMarkdown, cell, gantt } = await import('../src/report/markdown.js');
    expect(cell('a|b\n<script>x</script> & c')).toBe('a\\|b &lt;script&gt;x&lt;/script&gt; &amp; c');
    const md = renderMarkdown(
      {
        verdict: 'fail',
        releases: [
          {
            declaration: 'releases/x/asl.yml',
            model: 'evil|model<img src=x>',
            declared: { deployment: 'ASL-3' },
            required: { deployment: 'ASL-3' },
            verdict: 'fail',
            findings: [],
            approvalRequired: true,
            noncompliance: [],
            timeline: [{ id: 'a:b#c\n  section injected', kind: 'comprehensive', due: '2026-11-15', completed: '2026-11-18', daysLate: 3, overdue: false, acknowledged: false }],
          },
        ],
        findings: [{ code: 'evaluation.late', severity: 'error', message: 'late | <b>', file: 'releases/x/a.yml', line: 6, column: 12 }],
      },
      '2026-11-28',
    );
    expect(md).toContain('| evil\\|model&lt;img src=x&gt; |');
    expect(md).toContain('late \\| &lt;b&gt;');
    expect(md).toContain('  section a_b_c_  section injected\n');
    expect(md).toContain('3 days late : crit, 2026-11-15, 2026-11-18');
    expect(md).not.toContain('<img');
    // Mermaid names keep letters, digits, space, `.`, `_` and `-`, each other UTF-16 unit becomes
    // `_`, and they stop at 60 units.
    const named = (model: string) => gantt({ declaration: 'r/asl.yml', model, verdict: 'pass', findings: [], approvalRequired: false, noncompliance: [], timeline: [] }, '2026-11-28');
    expect(named('é😀 a.b_c-d/e')).toContain('  title ___ a.b_c-d_e: evaluations');
    expect(named(`${'x'.repeat(59)}😀tail`)).toContain(`  title ${'x'.repeat(59)}_: evaluations`);
    expect(named('')).toContain('  title _: evaluations');
  });
});

describe("the App's Octokit", () => {
  it('gives each request the shared deadline, slow-drip bodies included, and refuses a Retry-After over 60 s', async () => {
    const { tunedOctokit } = await import('../bot/octokit.js');
    const { GitHubStandIn } = await import('./standin/github.js');
    const gh = new GitHubStandIn();
    await gh.start();
    try {
      const octokit = new (tunedOctokit({ deadlineMs: 600, retryBaseMs: 10 }))({ auth: 't', baseUrl: gh.url });
      gh.drip({ method: 'GET', path: /\/pulls\/1\/files$/, everyMs: 50 });
      const t0 = Date.now();
      await expect(octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: 'lab', repo: 'models', pull_number: 1 })).rejects.toThrow('no complete answer within 1 s');
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(gh.calls(/pulls\/1\/files/)).toHaveLength(1); // a request past its deadline is not retried
      gh.rateLimit({ method: 'GET', path: /\/pulls\/2$/, retryAfter: 3600 });
      const t1 = Date.now();
      await expect(octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'lab', repo: 'models', pull_number: 2 })).rejects.toThrow('GitHub asks to wait 3600 s, over the 60 s asl-gate waits');
      expect(Date.now() - t1).toBeLessThan(5_000);
    } finally {
      await gh.stop();
    }
  });

  it('spaces writes when asked, and leaves reads alone', async () => {
    const { tunedOctokit } = await import('../bot/octokit.js');
    const { GitHubStandIn } = await import('./standin/github.js');
    const gh = new GitHubStandIn();
    await gh.start();
    try {
      const Octokit = tunedOctokit({ writeSpacingMs: 150 });
      const octokit = new Octokit({ auth: 't', baseUrl: gh.url });
      gh.openPull(1, 'dev', 'b', 'c'.repeat(40), {}, []);
      const t0 = Date.now();
      await Promise.all([
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'lab', repo: 'models', issue_number: 1, body: 'a' }),
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'lab', repo: 'models', issue_number: 1, body: 'b' }),
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'lab', repo: 'models', pull_number: 1 }),
      ]);
      const at = gh.requests.map((r) => [r.method, r.at - t0] as const);
      const posts = at.filter(([m]) => m === 'POST').map(([, t]) => t);
      expect(posts).toHaveLength(2);
      expect(posts[1]! - posts[0]!).toBeGreaterThanOrEqual(140);
      expect(at.find(([m]) => m === 'GET')![1]).toBeLessThan(posts[1]!);
    } finally {
      await gh.stop();
    }
  });
});
