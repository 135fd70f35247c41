// Pack format 2 and the packs written in it (issue 18): each built-in format-2 pack is valid and
// sourced everywhere, its example repository gives the documented verdicts through the CLI, and
// each new rule kind (halt, alert, per-threshold artifact, research category) has a scenario that
// asserts code, file and line. The frozen anthropic-rsp-2.2 is untouched by the format.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PACKS } from '../../src/packs/builtin.generated.js';
import { indexPack } from '../../src/load/policy.js';
import { parseAndValidate } from '../../src/load/read-yaml.js';
import { readTree, ROOT, writeRepo, type Files } from '../helpers/repo.js';
import { type JsonFinding } from '../helpers/cli.js';

const BIN = join(ROOT, 'bin/asl-gate.js');
const NOW = '2026-11-28';
const FORMAT2 = ['anthropic-rsp-2.2-text', 'openai-preparedness-2', 'google-deepmind-fsf-3'] as const;

function asl(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  verdict: string;
  releases: Array<{ declaration: string; model: string; verdict: string; findings: JsonFinding[] }>;
}

/** `asl-gate check examples/packs/<id> --now … --format json`, as a process. */
function checkExample(id: string): { code: number | null; report: Report } {
  const r = asl(['check', `examples/packs/${id}`, '--now', NOW, '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const release = (report: Report, model: string) => report.releases.find((r) => r.model === model)!;
/** The 1-based line of the first line of `file` (relative to the example repository) matching `re`. */
function lineOf(id: string, file: string, re: RegExp): number {
  const i = readFileSync(join(ROOT, 'examples/packs', id, file), 'utf8')
    .split('\n')
    .findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`${re} not in ${file}`);
  return i + 1;
}
const pick = (f: JsonFinding) => ({ code: f.code, severity: f.severity, file: f.file, line: f.line });

describe.each(FORMAT2)('built-in pack %s', (id) => {
  const text = readFileSync(join(ROOT, 'packs', `${id}.yml`), 'utf8');

  it('is valid against the pack schema and its cross-checks, and is the generated built-in', async () => {
    const loaded = await parseAndValidate(text, `packs/${id}.yml`, 'pack');
    expect(loaded.ok).toBe(true);
    const indexed = loaded.ok ? indexPack(loaded) : loaded;
    expect(indexed.ok).toBe(true);
    expect(BUILTIN_PACKS[id]).toEqual(indexed.ok && indexed.index.pack);
  });

  it('names its source on the pack, every level, threshold, safeguard, artifact, research category and rule', () => {
    const p = BUILTIN_PACKS[id];
    expect(p.format).toBe(2);
    expect(p.source).toMatchObject({
      document: expect.any(String),
      version: expect.any(String),
      date: expect.any(String),
    });
    for (const l of p.levels) expect(p.level_sources?.[l]?.section, `level ${l}`).toEqual(expect.any(String));
    for (const t of p.thresholds) expect(t.source?.section, t.id).toEqual(expect.any(String));
    for (const g of p.safeguards) expect(g.source?.section, g.id).toEqual(expect.any(String));
    for (const a of p.artifacts ?? []) expect(a.source?.section, a.id).toEqual(expect.any(String));
    for (const r of p.research_categories ?? []) expect(r.source?.section, r.id).toEqual(expect.any(String));
    expect(p.cadence.source?.section).toEqual(expect.any(String));
    // What the research could not confirm is said in the pack, and how it differs from the frozen pack.
    expect(p.notes?.some((n) => n.startsWith('Left out'))).toBe(true);
    expect(p.differs_from?.pack).toBe('anthropic-rsp-2.2');
  });
});

describe('the frozen anthropic-rsp-2.2 is untouched by pack format 2', () => {
  it('has none of the format-2 keys, and its verdicts on the quick start are unchanged (test/cli/check.test.ts)', () => {
    const p = BUILTIN_PACKS['anthropic-rsp-2.2'];
    expect(Object.keys(p).sort()).toEqual([
      'cadence',
      'id',
      'levels',
      'name',
      'reports',
      'reviews',
      'safeguards',
      'standards',
      'thresholds',
    ]);
    expect(p.cadence).toEqual({ comprehensive_max_age_days: 183, effective_compute_multiple: 4 });
  });

  it('the text reading passes a release the frozen pack fails: the 2-8 h checkpoint asks only an aim of ASL-3 security', () => {
    const files: Files = {};
    for (const [p, t] of Object.entries(readTree(join(ROOT, 'examples/packs/anthropic-rsp-2.2-text'))))
      files[p] = t.replaceAll('anthropic-rsp-2.2-text', 'anthropic-rsp-2.2');
    const root = writeRepo(files);
    const r = asl(['check', 'releases/clio-2/asl.yml', '--now', NOW, '--format', 'json'], root);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout) as Report).releases[0].findings.filter((f) => f.severity === 'error');
    expect(found.map((f) => f.code)).toEqual(['level.understated']);
    expect(found[0].message).toContain('AI-RD-CHECKPOINT (not_ruled_out) requires ASL-3');
  });
});

describe('example repositories through the CLI (examples/packs/<id>)', () => {
  it('anthropic-rsp-2.2-text: clio-2 passes; clio-3 fails for want of an affirmative misalignment case (AI R&D-4 not ruled out)', () => {
    const id = 'anthropic-rsp-2.2-text';
    const { code, report } = checkExample(id);
    expect(code).toBe(1);
    expect(release(report, 'clio-2')).toMatchObject({ verdict: 'pass', findings: [] });
    const fail = release(report, 'clio-3');
    expect(fail.verdict).toBe('fail');
    const decl = 'releases/clio-3/asl.yml';
    expect(fail.findings.map(pick)).toEqual([
      { code: 'artifact.missing', severity: 'error', file: decl, line: lineOf(id, decl, /^artifacts:/) },
      { code: 'research.unreported', severity: 'warning', file: decl, line: lineOf(id, decl, /^research:/) },
    ]);
    expect(fail.findings[0].message).toMatch(
      /^artifact misalignment-case .* because AI-RD-4 is not ruled out; .*\(Anthropic Responsible Scaling Policy 2\.2, §2 Table 1\)$/,
    );
  });

  it('openai-preparedness-2: o-lumen passes at High; o-lumen-max fails: a Critical threshold not ruled out halts', () => {
    const id = 'openai-preparedness-2';
    const { code, report } = checkExample(id);
    expect(code).toBe(1);
    expect(release(report, 'o-lumen')).toMatchObject({ verdict: 'pass', findings: [] });
    const fail = release(report, 'o-lumen-max');
    const decl = 'releases/o-lumen-max/asl.yml';
    const statusLine = lineOf(id, decl, /id: CYBER-CRITICAL/) + 1;
    expect(fail.findings.map(pick)).toEqual([
      { code: 'threshold.halt', severity: 'error', file: decl, line: statusLine },
    ]);
    expect(fail.findings[0].message).toContain('threshold CYBER-CRITICAL is not_ruled_out');
  });

  it('google-deepmind-fsf-3: g-terra passes with a response plan for its alert; g-terra-cyber lacks a safety case and a response plan', () => {
    const id = 'google-deepmind-fsf-3';
    const { code, report } = checkExample(id);
    expect(code).toBe(1);
    expect(release(report, 'g-terra')).toMatchObject({ verdict: 'pass', findings: [] });
    const fail = release(report, 'g-terra-cyber');
    const decl = 'releases/g-terra-cyber/asl.yml';
    const at = lineOf(id, decl, /^artifacts:/);
    expect(fail.findings.map(pick)).toEqual([
      { code: 'artifact.missing', severity: 'error', file: decl, line: at },
      { code: 'artifact.missing', severity: 'error', file: decl, line: at },
    ]);
    expect(fail.findings.map((f) => f.message.split(' (')[0])).toEqual([
      'artifact response-plan',
      'artifact safety-case',
    ]);
  });
});

describe('one scenario per new rule kind, through the CLI', () => {
  /** An example repository of `id` with `edits` applied to the file `path`, checked as a process. */
  function scenario(id: string, path: string, edits: Array<[string | RegExp, string]>) {
    const files = readTree(join(ROOT, 'examples/packs', id));
    let text = files[path];
    for (const [from, to] of edits) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`${String(from)} not in ${path}`);
      text = next;
    }
    const root = writeRepo({ ...files, [path]: text });
    const r = asl(['check', '--now', NOW, '--format', 'json'], root);
    return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, text };
  }
  const lineIn = (text: string, re: RegExp) => text.split('\n').findIndex((l) => re.test(l)) + 1;

  it('halt: a halt threshold found not ruled out by the assessment fails at its status, whatever the levels', () => {
    const path = 'releases/o-lumen/assessments/capabilities.yml';
    const decl = 'releases/o-lumen/asl.yml';
    const files = readTree(join(ROOT, 'examples/packs/openai-preparedness-2'));
    // Assessment and declaration both say BIO-CRITICAL is crossed.
    const root = writeRepo({
      ...files,
      [path]: files[path].replace('BIO-CRITICAL: ruled_out', 'BIO-CRITICAL: crossed'),
      [decl]: files[decl].replace(/(id: BIO-CRITICAL\n\s+status: )ruled_out/, '$1crossed'),
    });
    const r = asl(['check', '--now', NOW, '--format', 'json'], root);
    expect(r.code).toBe(1);
    const halts = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.file === decl);
    expect(halts.map(pick)).toEqual([
      { code: 'threshold.halt', severity: 'error', file: decl, line: lineIn(files[decl], /id: BIO-CRITICAL/) + 1 },
    ]);
  });

  it('alert: an alert threshold reached sets no level, but needs its response plan', () => {
    const s = scenario('google-deepmind-fsf-3', 'releases/g-terra/asl.yml', [
      [/^artifacts:\n  - id: response-plan\n    threshold: CBRN-UPLIFT-1-ALERT\n    path: \S+\n/m, 'artifacts: []\n'],
    ]);
    expect(s.code).toBe(1);
    const mine = s.findings.filter((f) => f.file === 'releases/g-terra/asl.yml');
    expect(mine.map(pick)).toEqual([
      {
        code: 'artifact.missing',
        severity: 'error',
        file: 'releases/g-terra/asl.yml',
        line: lineIn(s.text, /^artifacts:/),
      },
    ]);
    expect(mine[0].message).toContain('is required for CBRN-UPLIFT-1-ALERT');
    // The level stays the baseline: an alert requires no security level.
    expect(s.findings.some((f) => f.code === 'level.understated')).toBe(false);
  });

  it('per-threshold artifact: one safety case per CCL reached; a safety case for another CCL does not count', () => {
    const s = scenario('google-deepmind-fsf-3', 'releases/g-terra-cyber/asl.yml', [
      [
        /^artifacts:\n/m,
        'artifacts:\n  - id: response-plan\n    threshold: CYBER-UPLIFT-1-ALERT\n    path: https://example.org/plan\n  - id: safety-case\n    threshold: CBRN-UPLIFT-1\n    path: https://example.org/case\n',
      ],
    ]);
    const mine = s.findings.filter((f) => f.file === 'releases/g-terra-cyber/asl.yml');
    expect(mine.map(pick)).toEqual([
      {
        code: 'artifact.missing',
        severity: 'error',
        file: 'releases/g-terra-cyber/asl.yml',
        line: lineIn(s.text, /^artifacts:/),
      },
    ]);
    expect(mine[0].message).toContain('artifact safety-case (');
    expect(mine[0].message).toContain('is required for CYBER-UPLIFT-1');
    // An artifact entry naming no threshold, for a per-threshold rule, is a schema finding at the entry.
    const t = scenario('google-deepmind-fsf-3', 'releases/g-terra-cyber/asl.yml', [
      [/^artifacts:\n/m, 'artifacts:\n  - id: safety-case\n    path: https://example.org/case\n'],
    ]);
    expect(t.findings.filter((f) => f.code === 'schema.invalid').map(pick)).toEqual([
      {
        code: 'schema.invalid',
        severity: 'error',
        file: 'releases/g-terra-cyber/asl.yml',
        line: lineIn(t.text, /^artifacts:/) + 1,
      },
    ]);
  });

  it('research category: unreported is a warning (the pack says so), reported is nothing; it never sets a level', () => {
    const s = scenario('anthropic-rsp-2.2-text', 'releases/clio-2/asl.yml', [
      [/^research:\n  - id: CYBER-OPERATIONS\n    report: \S+\n/m, ''],
    ]);
    expect(s.code).toBe(1); // clio-3 still fails; clio-2 passes with the warning
    const mine = s.findings.filter((f) => f.file === 'releases/clio-2/asl.yml');
    // With no research: key, it points at the declaration's first key.
    expect(mine.map(pick)).toEqual([
      {
        code: 'research.unreported',
        severity: 'warning',
        file: 'releases/clio-2/asl.yml',
        line: lineIn(s.text, /^model:/),
      },
    ]);
    const reported = scenario('anthropic-rsp-2.2-text', 'releases/clio-2/asl.yml', [
      [/report: reports\/cyber\.md/, 'report: reports/cyber-missing.md'],
    ]);
    expect(reported.findings.filter((f) => f.file === 'releases/clio-2/asl.yml').map((f) => f.code)).toEqual([
      'reference.missing',
    ]);
  });
});

describe('a lab pack in format 2 is cross-checked', () => {
  const PACK = `format: 2
id: lab-2
name: A lab pack
source: {document: Lab framework, version: "1"}
levels: [low, high]
level_sources: {low: {section: "§1"}, high: {section: "§2"}}
standards: [security]
thresholds:
  - {id: T-1, description: a capability, requires: {security: high}, source: {section: "§3"}}
  - {id: T-STOP, description: a capability to halt on, consequence: halt, requires: {security: high}, source: {section: "§4"}}
  - {id: T-ALERT, description: an early warning, consequence: alert, requires: {}, source: {section: "§5"}}
safeguards:
  - {id: s.one, standard: security, from: high, description: a safeguard}
cadence: {source: {section: "§6"}}
reports: {}
reviews: {}
`;
  it('a missing source, a halt threshold with a level, an alert no artifact names: one schema.invalid each, a configuration error', () => {
    const root = writeRepo({ '.github/asl-gate.yml': 'policy: policy/pack.yml\n', 'policy/pack.yml': PACK });
    const r = asl(['packs'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /policy\/pack\.yml:10:\d+: schema\.invalid: thresholds\[1\]\.requires: a threshold whose consequence is halt requires no level/,
    );
    expect(r.stderr).toMatch(
      /policy\/pack\.yml:11:\d+: schema\.invalid: thresholds\[2\]: alert threshold T-ALERT is named by no artifact rule/,
    );
    expect(r.stderr).toContain(
      'policy/pack.yml:13:5: schema.invalid: safeguard s.one has no source.section (required in a format-2 pack)',
    );
  });

  it('without format: 2 the same fields are optional and sources are not required', () => {
    const fixed = PACK.replace('format: 2\n', '')
      .replace('requires: {security: high}, source: {section: "§4"}', 'requires: {}, source: {section: "§4"}')
      .replace(
        'reviews: {}\n',
        'reviews: {}\nartifacts:\n  - {id: plan, description: a response plan, when: {thresholds: [T-ALERT]}}\n',
      );
    const root = writeRepo({ '.github/asl-gate.yml': 'policy: policy/pack.yml\n', 'policy/pack.yml': fixed });
    const r = asl(['packs'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('asl-gate packs and explain show the format-2 packs', () => {
  it('packs says how each differs from anthropic-rsp-2.2', () => {
    const r = asl(['packs', 'examples']);
    expect(r.code).toBe(0);
    for (const id of FORMAT2) expect(r.stdout).toContain(`\n${id} differs from anthropic-rsp-2.2:\n  - `);
    const json = JSON.parse(asl(['packs', 'examples', '--format', 'json']).stdout) as {
      packs: Array<{ id: string; differs_from?: { pack: string } }>;
    };
    expect(
      json.packs
        .filter((p) => p.differs_from)
        .map((p) => p.id)
        .sort(),
    ).toEqual([...FORMAT2].sort());
  });

  it('explain shows the source of every threshold, and a halt threshold as such', () => {
    const r = asl(['explain', '--pack', 'openai-preparedness-2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Source: OpenAI Preparedness Framework 2 (2025-04-15)');
    expect(r.stdout).toContain('CYBER-CRITICAL (requires no level: not ruled out halts the release)');
    for (const t of BUILTIN_PACKS['openai-preparedness-2'].thresholds)
      expect(r.stdout).toContain(`[${t.source!.section}`);
    expect(r.stdout).toContain(
      'Cadence: a completed comprehensive assessment of each threshold in every covered release (no interval) [§3.2].',
    );
    const alert = asl(['explain', 'CBRN-UPLIFT-1-ALERT', '--pack', 'google-deepmind-fsf-3']);
    expect(alert.stdout).toContain('An alert (early-warning) threshold: it sets no level.');
    expect(alert.stdout).toContain('  - response-plan (threshold: CBRN-UPLIFT-1-ALERT)');
  });
});

describe('init with a pack-format-2 pack', () => {
  it.each(FORMAT2)('init --pack %s at its highest level, then check: never a schema or YAML finding', (id) => {
    const p = BUILTIN_PACKS[id];
    const root = writeRepo({});
    expect(asl(['init', '--pack', id, '--level', p.levels.at(-1)!, '--model', 'm1'], root).code).toBe(0);
    const r = asl(['check', '--now', NOW, '--format', 'json'], root);
    expect(r.code).toBe(1);
    const codes = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.code);
    expect(codes.filter((c) => c === 'schema.invalid' || c === 'yaml.invalid')).toEqual([]);
  });
});
