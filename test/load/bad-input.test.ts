// The bad-input corpus: each hostile or broken file yields its finding code, never a crash,
// a stack trace, or an echo of content it should not show.
import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, exampleRepo, type Files } from '../helpers/repo.js';
import { checkJson } from '../helpers/cli.js';

const DECL = 'releases/nova-2/asl.yml';
const CBRN = 'releases/nova-2/assessments/cbrn.yml';
const base = () => exampleRepo('nova-2');

/** The findings for `file` when it has `content`, in an otherwise clean release. */
async function findingsFor(file: string, content: string, extra: Files = {}) {
  const { code, report, stderr } = await checkJson({ ...base(), [file]: content, ...extra });
  expect(stderr).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
  return { code, findings: report.findings.filter((f) => f.file === file), all: report.findings };
}

const codesOf = (fs: Array<{ code: string }>) => [...new Set(fs.map((f) => f.code))];

describe('hostile YAML', () => {
  it('an alias bomb is refused before it expands', async () => {
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 0; i < 9; i++)
      bomb += `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]\n`;
    const { findings } = await findingsFor(CBRN, bomb);
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
    expect(findings[0].message).toMatch(/anchors|aliases/);
  });

  it('anchors are refused', async () => {
    const { findings } = await findingsFor(CBRN, base()[CBRN].replace('kind: comprehensive', 'kind: &k comprehensive'));
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
    expect(findings[0]).toMatchObject({ line: 3 });
  });

  it('5,000-deep flow nesting is refused, not a crash', async () => {
    const { findings } = await findingsFor(CBRN, `id: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
  });

  it('a 50,000-key file is rejected by size before parsing', async () => {
    const big = Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const { findings } = await findingsFor(CBRN, big);
    expect(findings).toEqual([expect.objectContaining({ code: 'input.too_large', file: CBRN })]);
  });

  it('a duplicate key is refused at the second occurrence', async () => {
    const { findings } = await findingsFor(CBRN, `${base()[CBRN]}due: 2026-11-01\n`);
    expect(findings).toEqual([expect.objectContaining({ code: 'yaml.invalid', line: 11 })]);
  });

  it('%YAML 1.1 does not bring back yes/no booleans', async () => {
    const config = edit(base(), '.github/asl-gate.yml', 'allow_author: false', 'allow_author: no');
    const { code, stderr } = await checkJson({
      ...config,
      '.github/asl-gate.yml': `%YAML 1.1\n---\n${config['.github/asl-gate.yml']}`,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/schema\.invalid: approval\.allow_author: expected boolean, found a string/);
  });

  for (const tag of ['!!js/function', '!!binary', '!!set', '!!timestamp', '!!str']) {
    it(`explicit tag ${tag} is refused`, async () => {
      const { findings } = await findingsFor(CBRN, base()[CBRN].replace('due: 2026-11-15', `due: ${tag} 2026-11-15`));
      expect(codesOf(findings)).toEqual(['yaml.invalid']);
      expect(findings[0]).toMatchObject({ line: 5 });
    });
  }

  it('an unquoted 1.10 is a number, and the message says to quote it', async () => {
    const { findings } = await findingsFor(DECL, base()[DECL].replace('model: nova-2', 'model: 1.10'));
    expect(findings).toEqual([expect.objectContaining({ code: 'schema.invalid', line: 2 })]);
    expect(findings[0].message).toMatch(/expected string, found number 1\.1 \(quote it/);
  });

  it('__proto__ and constructor keys are unknown keys, and pollute nothing', async () => {
    const { findings } = await findingsFor(CBRN, `${base()[CBRN]}__proto__:\n  polluted: true\nconstructor: x\n`);
    expect(findings.map((f) => [f.code, f.line])).toEqual([
      ['schema.invalid', 11],
      ['schema.invalid', 13],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('unknown keys, top-level and nested, point at the key', async () => {
    const { findings } = await findingsFor(
      CBRN,
      `${base()[CBRN].replace('result:', 'result:\n  colour: red')}owner: me\n`,
    );
    expect(findings.map((f) => [f.code, f.line])).toContainEqual(['schema.invalid', 8]);
    expect(findings.map((f) => [f.code, f.line])).toContainEqual(['schema.invalid', 12]);
  });

  it('several documents are refused', async () => {
    const { findings } = await findingsFor(CBRN, `${base()[CBRN]}---\nid: second\n`);
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
  });

  it('an empty file is refused', async () => {
    const { findings } = await findingsFor(CBRN, '');
    expect(findings).toEqual([expect.objectContaining({ code: 'yaml.invalid', line: 1 })]);
    expect(findings[0].message).toMatch(/empty/);
  });

  it('a byte-order mark is tolerated', async () => {
    const { findings, code } = await findingsFor(CBRN, `\uFEFF${base()[CBRN]}`);
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('non-string keys are refused', async () => {
    const { findings } = await findingsFor(CBRN, `${base()[CBRN]}1: one\n`);
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
  });

  it('merge keys are refused', async () => {
    const { findings } = await findingsFor(CBRN, `${base()[CBRN]}<<: {kind: preliminary}\n`);
    expect(codesOf(findings)).toEqual(['yaml.invalid']);
  });
});

describe('hostile paths', () => {
  const withEvidence = (ref: string) =>
    edit(base(), DECL, 'evidence: reports/security-baseline.md', `evidence: ${ref}`);
  const evidenceFindings = async (files: Files) =>
    (await checkJson(files)).report.findings.filter((f) => f.file === DECL);

  it('an absolute path is unsafe', async () => {
    expect(codesOf(await evidenceFindings(withEvidence('/etc/passwd')))).toEqual(['reference.unsafe']);
  });

  it('a ../ escape is unsafe', async () => {
    expect(codesOf(await evidenceFindings(withEvidence('../../../../etc/passwd')))).toEqual(['reference.unsafe']);
  });

  it('a ../ that stays inside the repository is fine', async () => {
    expect(await evidenceFindings(withEvidence('../nova-2/reports/security-baseline.md'))).toEqual([]);
  });

  it('a NUL in a path is unsafe', async () => {
    const f = await evidenceFindings(withEvidence('"reports/a\\0b.md"'));
    expect(codesOf(f)).toEqual(['reference.unsafe']);
    expect(f[0].message).toMatch(/NUL/);
  });

  it('a backslash in a path is unsafe', async () => {
    expect(codesOf(await evidenceFindings(withEvidence('"reports\\\\security-baseline.md"')))).toEqual([
      'reference.unsafe',
    ]);
  });

  it('a folder where a file is expected is refused', async () => {
    expect(codesOf(await evidenceFindings(withEvidence('reports')))).toEqual(['reference.unsafe']);
  });

  it('a symlink to /proc/self/environ is refused and its content never shown', async () => {
    process.env.ASL_GATE_CANARY = 'canary-7f3a9c';
    const files: Files = {
      ...withEvidence('reports/env.md'),
      'releases/nova-2/reports/env.md': { symlink: '/proc/self/environ' },
    };
    const { report, stderr } = await checkJson(files);
    const f = report.findings.filter((x) => x.file === DECL);
    expect(codesOf(f)).toEqual(['reference.unsafe']);
    expect(JSON.stringify(report) + stderr).not.toContain('canary-7f3a9c');
  });

  it('a symlinked assessment or folder is refused, not followed', async () => {
    const files: Files = { ...base(), [CBRN]: { symlink: '/proc/self/environ' } };
    const { report } = await checkJson(files);
    expect(report.findings.filter((f) => f.file === DECL).map((f) => f.code)).toContain('reference.unsafe');
    const [{ writeRepo }, { cli }] = await Promise.all([import('../helpers/repo.js'), import('../helpers/cli.js')]);
    const root = writeRepo(base());
    mkdirSync(join(root, 'outside'));
    symlinkSync('/etc', join(root, 'releases/nova-2/linked'));
    const r = await cli(['check', '--format', 'json', '--now', '2026-11-28'], root);
    expect(r.code).toBe(0); // an unreferenced symlink is harmless
    const decl = edit(base(), DECL, 'evidence: reports/security-baseline.md', 'evidence: linked/passwd');
    const root2 = writeRepo({ ...decl, 'releases/nova-2/linked': { symlink: '/etc' } });
    const r2 = JSON.parse((await cli(['check', '--format', 'json'], root2)).stdout);
    expect(r2.findings.map((f: { code: string }) => f.code)).toContain('reference.unsafe');
  });

  it('a release over 500 files is too large', async () => {
    const files: Files = { ...base() };
    let list = '';
    for (let i = 0; i < 501; i++) {
      files[`releases/nova-2/evidence/e${i}.md`] = 'x';
      list += `  - id: extra.e${i}\n    status: implemented\n    evidence: evidence/e${i}.md\n`;
    }
    files[DECL] = (files[DECL] as string).replace('safeguards:\n', `safeguards:\n${list}`);
    const { report } = await checkJson(files);
    expect(report.findings.map((f) => f.code)).toContain('input.too_large');
  });
});

describe('a file with thousands of schema problems', () => {
  it('lists the first fifty at their lines and counts the rest in one finding', async () => {
    let text = 'model: x\n';
    for (let i = 0; text.length < 250 * 1024; i++) text += `k${i}: v\n`;
    const { code, report } = await checkJson({ ...base(), [CBRN]: `${text}é: 1\n` });
    expect(code).toBe(1);
    const mine = report.findings.filter((f) => f.file === CBRN);
    expect(mine).toHaveLength(51);
    const counted = mine.filter((f) => f.line === undefined);
    const listed = mine.filter((f) => f.line !== undefined);
    expect(counted.map((f) => f.message)).toStrictEqual([
      expect.stringMatching(/^\d+ more schema problems in this file, not listed/),
    ]);
    expect(listed.filter((f) => f.code !== 'schema.invalid')).toStrictEqual([]);
  });
});
