// The conventions every command shares, and init / explain / packs, through the bin as a process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PACKS } from '../../src/packs/builtin.generated.js';
import { exampleRepo, ROOT, writeRepo } from '../helpers/repo.js';

const BIN = join(ROOT, 'bin/asl-gate.js');
function asl(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const COMMANDS = ['check', 'init', 'explain', 'packs', 'schema', 'protect'];
const PACK = BUILTIN_PACKS['anthropic-rsp-2.2'];

describe('conventions', () => {
  it('--version, -V and version print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const a of ['--version', '-V', 'version'])
      expect(asl([a])).toEqual({ code: 0, stdout: `asl-gate ${version}\n`, stderr: '' });
  });

  it("help COMMAND and COMMAND --help print that command's usage and exit 0", () => {
    for (const c of COMMANDS) {
      const help = asl(['help', c]);
      expect(help.code, c).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: asl-gate ${c}`));
      expect(asl([c, '--help'])).toEqual(help);
      expect(asl([c, '-h']).stdout).toBe(help.stdout);
    }
    const all = asl(['help']);
    expect(all.code).toBe(0);
    for (const c of COMMANDS) expect(all.stdout).toContain(`  ${c} `);
  });

  it('a usage error is one line plus where to read more, naming the closest option or command', () => {
    const cases: Array<[string[], string]> = [
      [
        ['check', '--formt', 'json'],
        'asl-gate: unknown option --formt for check; did you mean --format?\nsee `asl-gate help check`\n',
      ],
      [['chek'], 'asl-gate: unknown command "chek"; did you mean check?\nsee `asl-gate help`\n'],
      [
        ['protect', '--dryrun'],
        'asl-gate: unknown option --dryrun for protect; did you mean --dry-run?\nsee `asl-gate help protect`\n',
      ],
      [['check', '--format'], 'asl-gate: --format needs a value (FORMAT)\nsee `asl-gate help check`\n'],
      [
        ['check', '--format', 'jsno'],
        'asl-gate: --format must be text, json or markdown, not "jsno"; did you mean json?\nsee `asl-gate help check`\n',
      ],
      [['help', 'explian'], 'asl-gate: unknown command "explian"; did you mean explain?\nsee `asl-gate help`\n'],
      [
        ['schema', 'declaraton'],
        'asl-gate: unknown file kind "declaraton"; expected one of declaration, assessment, config, pack; did you mean "declaration"?\nsee `asl-gate help schema`\n',
      ],
    ];
    for (const [args, stderr] of cases) expect(asl(args), args.join(' ')).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('check finds nothing', () => {
  it('a folder with no declaration and no config: exit 2, one line saying where it looked', () => {
    const r = asl(['check'], writeRepo({ 'README.md': 'hello\n' }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'asl-gate: no declarations found: looked for releases/*/asl.yml in ., and there is no .github/asl-gate.yml\n',
    );
  });

  it('a config whose globs match nothing passes, with a notice', () => {
    const root = writeRepo({ '.github/asl-gate.yml': 'releases: ["models/*/asl.yml"]\n' });
    const r = asl(['check', '--format', 'json'], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe('pass');
    expect(r.stderr).toBe(
      'asl-gate: notice: no declaration matches models/*/asl.yml in . (from .github/asl-gate.yml); nothing to check\n',
    );
  });
});

describe('init', () => {
  it('the reviews template stays YAML when its comment is followed: a `[]` line replaced by the block below it', () => {
    const root = writeRepo({});
    expect(asl(['init', '--model', 'nova-3', '--level', 'ASL-3', '--release-date', '2026-12-01'], root).code).toBe(0);
    const path = join(root, 'releases/nova-3/asl.yml');
    const filled = readFileSync(path, 'utf8').replace(
      /^ {2}(internal|external): \[\].*\n((?: {2}#.*\n)+)/gm,
      (_, _key: string, block: string) => block.replace(/^ {2}# /gm, '  '),
    );
    expect(filled).toMatch(/^ {2}internal:\n {4}- by: /m);
    writeFileSync(path, filled);
    const check = asl(['check', '--format', 'json', '--now', '2026-11-20'], root);
    const codes = JSON.parse(check.stdout).findings.map((f: { code: string }) => f.code);
    expect(codes).not.toContain('yaml.invalid');
    expect(codes).not.toContain('schema.invalid');
  });

  it.each(PACK.levels)(
    'init --level %s, then check: only evidence to fill in, never a schema or YAML finding',
    (level) => {
      const root = writeRepo({});
      const init = asl(['init', '--model', 'nova-3', '--level', level, '--release-date', '2026-12-01'], root);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('releases/nova-3/asl.yml');
      expect(existsSync(join(root, '.github/asl-gate.yml'))).toBe(true);
      const check = asl(['check', '--format', 'json', '--now', '2026-11-20'], root);
      expect(check.stderr).toBe('');
      const report = JSON.parse(check.stdout);
      expect(report.releases).toHaveLength(1);
      const codes = new Set(report.findings.map((f: { code: string }) => f.code));
      for (const bad of [
        'schema.invalid',
        'yaml.invalid',
        'policy.unknown',
        'policy.mismatch',
        'safeguard.missing',
        'reference.unsafe',
      ])
        expect(codes.has(bad), `${level}: ${[...codes].join(', ')}`).toBe(false);
      const declaration = readFileSync(join(root, 'releases/nova-3/asl.yml'), 'utf8');
      for (const t of PACK.thresholds) expect(declaration).toContain(`- id: ${t.id}\n`);
      const rank = PACK.levels.indexOf(level);
      for (const g of PACK.safeguards)
        expect(declaration.includes(`- id: ${g.id}\n`), g.id).toBe(PACK.levels.indexOf(g.from) <= rank);
    },
  );

  it('uses the repository config and its globs, and never overwrites a file', () => {
    const root = writeRepo({
      '.github/asl-gate.yml': 'policy: anthropic-rsp-2.2\nreleases: ["models/*/release.yml"]\n',
    });
    const r = asl(['init', '--model', 'm1', '--level', 'ASL-2'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^ {2}\.github\/asl-gate\.yml$/m); // not written: it exists
    // The config names no RSO: the first release PR would wait for an approval nobody may give.
    expect(r.stdout).toContain(
      'Before installing the RSO approval App, set rso.users or rso.teams in .github/asl-gate.yml (on the base branch)',
    );
    const withRso = writeRepo({ '.github/asl-gate.yml': 'policy: anthropic-rsp-2.2\nrso:\n  users: [kaplan]\n' });
    expect(asl(['init', '--model', 'm1', '--level', 'ASL-2'], withRso).stdout).not.toContain('Before installing');
    expect(existsSync(join(root, 'models/m1/release.yml'))).toBe(true);
    const before = readFileSync(join(root, 'models/m1/release.yml'), 'utf8');
    const again = asl(['init', '--model', 'm1', '--level', 'ASL-3'], root);
    expect(again).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^asl-gate: models\/m1\/\S+ already exists; init never overwrites a file\n$/),
    });
    expect(readFileSync(join(root, 'models/m1/release.yml'), 'utf8')).toBe(before);
  });

  it('refuses an unknown level or pack with the closest one, and missing options', () => {
    const root = writeRepo({});
    expect(asl(['init', '--model', 'm', '--level', 'ASL3'], root).stderr).toMatch(
      /^asl-gate: --level "ASL3" is not a level of anthropic-rsp-2\.2 \(ASL-1, ASL-2, ASL-3, ASL-4\); did you mean "ASL-3"\?\n/,
    );
    // A level out of range is no typo: the levels are listed, with no guess.
    expect(asl(['init', '--model', 'm', '--level', 'ASL-5'], root).stderr).toMatch(
      /^asl-gate: --level "ASL-5" is not a level of anthropic-rsp-2\.2 \(ASL-1, ASL-2, ASL-3, ASL-4\)\n/,
    );
    // A --repo that is given but is not OWNER/NAME is said to be so.
    expect(asl(['protect', '--repo', 'lab'], root).stderr).toMatch(/^asl-gate: --repo "lab" is not OWNER\/NAME\n/);
    expect(asl(['init', '--model', 'm', '--level', 'ASL-3', '--pack', 'anthropic-rsp-2.3'], root).stderr).toMatch(
      /did you mean "anthropic-rsp-2\.2"\?/,
    );
    expect(asl(['init', '--level', 'ASL-3'], root)).toMatchObject({
      code: 2,
      stderr: 'asl-gate: init needs --model NAME\nsee `asl-gate help init`\n',
    });
    expect(existsSync(join(root, 'releases'))).toBe(false);
  });
});

describe('explain', () => {
  it('a level: its safeguards, documents and thresholds, from the pack', () => {
    const r = asl(['explain', 'ASL-3', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ pack: { id: 'anthropic-rsp-2.2' }, kind: 'level', id: 'ASL-3' });
    for (const s of PACK.standards) {
      expect(j.safeguards[s]).toEqual(
        PACK.safeguards.filter((g) => g.standard === s && PACK.levels.indexOf(g.from) <= 2).map((g) => g.id),
      );
    }
    expect(j.documents).toEqual({
      capabilityReport: true,
      safeguardsReports: PACK.standards,
      internalReview: true,
      externalReview: true,
    });
    expect([...j.thresholds_allowed, ...j.thresholds_to_rule_out].sort()).toEqual(
      PACK.thresholds.map((t) => t.id).sort(),
    );
    const text = asl(['explain', 'ASL-3']).stdout;
    for (const g of PACK.safeguards.filter((x) => x.from === 'ASL-3'))
      expect(text).toContain(`${g.id} (from ASL-3): ${g.description}`);
  });

  it('a threshold and a safeguard say why', () => {
    const t = PACK.thresholds[0];
    const th = JSON.parse(asl(['explain', t.id, '--format', 'json']).stdout);
    expect(th).toMatchObject({ kind: 'threshold', id: t.id, description: t.description, requires: t.requires });
    const g = PACK.safeguards.find((x) => x.from !== PACK.levels[0])!;
    const sg = asl(['explain', g.id]);
    expect(sg.code).toBe(0);
    expect(sg.stdout).toContain(g.description);
    expect(sg.stdout).toMatch(/^Why: /m);
    expect(JSON.parse(asl(['explain', g.id, '--format', 'json']).stdout).thresholds.length).toBeGreaterThan(0);
  });

  it('no name: the whole pack; an unknown name: the closest one', () => {
    const all = asl(['explain']);
    expect(all.code).toBe(0);
    for (const t of PACK.thresholds) expect(all.stdout).toContain(t.id);
    expect(asl(['explain', 'CBRN3'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'asl-gate: "CBRN3" is no level, threshold or safeguard of anthropic-rsp-2.2; did you mean "CBRN-3"?\nsee `asl-gate help explain`\n',
    });
  });

  it("a repository's own pack: names no built-in pack knows", () => {
    const root = writeRepo({ '.github/asl-gate.yml': 'policy: policy/pack.yml\n', 'policy/pack.yml': CUSTOM_PACK });
    const r = asl(['explain', 'High', '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      pack: { id: 'prep-1', source: 'policy/pack.yml' },
      kind: 'level',
      safeguards: { deployment: ['dep.monitoring'] },
    });
  });
});

const CUSTOM_PACK = `id: prep-1
name: Preparedness-style pack
levels: [Low, Medium, High, Critical]
standards: [deployment]
thresholds:
  - id: BIO-HIGH
    description: Meaningful uplift to novices
    requires: {deployment: High}
safeguards:
  - id: dep.monitoring
    standard: deployment
    from: High
    description: Monitoring
cadence: {comprehensive_max_age_days: 90, effective_compute_multiple: 2}
reports: {capability_from: Low}
reviews: {internal_from: Medium}
`;

describe('packs', () => {
  it("lists the built-in packs, and a repository's own with its path", () => {
    const builtin = JSON.parse(asl(['packs', '--format', 'json'], writeRepo({})).stdout);
    expect(builtin.packs).toEqual(
      Object.values(BUILTIN_PACKS)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((p) => ({
          id: p.id,
          name: p.name,
          source: 'built-in',
          levels: p.levels,
          used: p.id === 'anthropic-rsp-2.2',
          ...(p.differs_from ? { differs_from: p.differs_from } : {}),
        })),
    );
    const root = writeRepo({ '.github/asl-gate.yml': 'policy: policy/pack.yml\n', 'policy/pack.yml': CUSTOM_PACK });
    const r = asl(['packs'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* prep-1 +Preparedness-style pack +policy\/pack\.yml$/m);
    expect(r.stdout).toMatch(/^ {2}anthropic-rsp-2\.2 +Anthropic Responsible Scaling Policy 2\.2 +built-in$/m);
  });

  it('a broken repository pack is a configuration error', () => {
    const root = writeRepo({
      '.github/asl-gate.yml': 'policy: policy/pack.yml\n',
      'policy/pack.yml': CUSTOM_PACK.replace('from: High', 'from: Hgih'),
    });
    const r = asl(['packs'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'policy/pack.yml:12:11: schema.invalid: safeguards[0].from: "Hgih" is not one of the pack\'s levels',
    );
  });
});

describe('schema messages', () => {
  it('an unknown key suggests the closest allowed one', () => {
    const files = exampleRepo('nova-2');
    files['releases/nova-2/asl.yml'] = files['releases/nova-2/asl.yml'].replace(
      '    status: not_ruled_out',
      '    staus: not_ruled_out',
    );
    const r = asl(['check', '--format', 'json', '--now', '2026-11-28'], writeRepo(files));
    const messages = JSON.parse(r.stdout).findings.map((f: { message: string }) => f.message);
    expect(messages).toContain('unknown key "staus" in thresholds[0]; did you mean "status"?');
  });
});

describe('schema (process)', () => {
  /** Every schema reachable under `node` (properties, items, anyOf, records), with its path. */
  function* walk(node: Record<string, unknown>, path = '$'): Generator<[string, Record<string, unknown>]> {
    yield [path, node];
    for (const [k, v] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {}))
      yield* walk(v, `${path}.${k}`);
    if (node.items && typeof node.items === 'object') yield* walk(node.items as Record<string, unknown>, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object')
      yield* walk(node.additionalProperties as Record<string, unknown>, `${path}.*`);
    for (const [i, a] of ((node.anyOf as Record<string, unknown>[]) ?? []).entries()) yield* walk(a, `${path}|${i}`);
  }

  it('every field has a description; every schema an $id; dates are format: date', () => {
    const all = JSON.parse(asl(['schema']).stdout) as Record<string, Record<string, unknown>>;
    const ids = new Set<string>();
    for (const [kind, schema] of Object.entries(all)) {
      expect(schema.$id, kind).toMatch(/^urn:asl-gate:schema:/);
      ids.add(schema.$id as string);
      for (const [path, node] of walk(schema)) {
        if (node.anyOf || node.type === 'null' || path.endsWith('.*') || path.includes('evals[]')) continue;
        expect(node.description, `${kind} ${path}`).toEqual(expect.any(String));
      }
    }
    expect(ids.size).toBe(4);
    const decl = all.declaration as { properties: Record<string, Record<string, unknown>> };
    expect(decl.properties.release_date).toMatchObject({ format: 'date', pattern: expect.any(String) });
    const day = new RegExp(decl.properties.release_date.pattern as string, 'u');
    for (const ok of ['2026-12-01', '2028-02-29', '2000-01-01']) expect(day.test(ok), ok).toBe(true);
    for (const bad of ['2026-13-01', '2026-12-32', '1999-12-31', '2026-1-01', '26-12-01'])
      expect(day.test(bad), bad).toBe(false);
    const finding = (decl.properties.noncompliance as { items: { properties: { finding: { enum: string[] } } } }).items
      .properties.finding;
    expect(finding.enum).toContain('evaluation.late');
  });

  it('--pack narrows to the pack: its levels, thresholds and safeguards become enums', () => {
    const s = JSON.parse(asl(['schema', 'declaration', '--pack', 'anthropic-rsp-2.2']).stdout);
    expect(s.$id).toBe('urn:asl-gate:schema:declaration:anthropic-rsp-2.2');
    expect(s.properties.declared.properties.deployment.enum).toEqual(PACK.levels);
    expect(s.properties.declared.required).toEqual(PACK.standards);
    expect(s.properties.thresholds.items.properties.id.enum).toEqual(PACK.thresholds.map((t) => t.id));
    expect(s.properties.safeguards.items.properties.id.enum).toEqual(PACK.safeguards.map((g) => g.id));
    expect(readFileSync(join(ROOT, 'schema/anthropic-rsp-2.2/declaration.schema.json'), 'utf8')).toBe(
      asl(['schema', 'declaration', '--pack', 'anthropic-rsp-2.2']).stdout,
    );
    const root = writeRepo({ 'policy/pack.yml': CUSTOM_PACK });
    const custom = JSON.parse(asl(['schema', 'assessment', '--pack', 'policy/pack.yml'], root).stdout);
    expect(custom.properties.thresholds.items.enum).toEqual(['BIO-HIGH']);
    // The general schema forbids no custom pack's names.
    const general = JSON.parse(asl(['schema', 'declaration']).stdout);
    expect(general.properties.declared.additionalProperties).toEqual({ type: 'string' });
    expect(general.properties.thresholds.items.properties.id.enum).toBeUndefined();
  });
});

describe('schema messages: values', () => {
  it('a mistyped enum value suggests the closest; paths read thresholds[0].status', () => {
    const files = exampleRepo('nova-2');
    files['releases/nova-2/asl.yml'] = files['releases/nova-2/asl.yml'].replace(
      '    status: not_ruled_out',
      '    status: not-ruled-out',
    );
    const r = asl(['check', '--format', 'json', '--now', '2026-11-28'], writeRepo(files));
    const messages = JSON.parse(r.stdout).findings.map((f: { message: string }) => f.message);
    expect(messages).toContain(
      'thresholds[0].status: expected one of "ruled_out", "not_ruled_out", "crossed"; did you mean "not_ruled_out"?',
    );
  });
});

describe('init with a repository pack', () => {
  it('--pack PATH without a config: the config names the path, the declaration the pack id, and check reads them', () => {
    const root = writeRepo({ 'policy/pack.yml': CUSTOM_PACK });
    const r = asl(
      ['init', '--model', 'x', '--level', 'High', '--pack', 'policy/pack.yml', '--release-date', '2026-12-01'],
      root,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, '.github/asl-gate.yml'), 'utf8')).toMatch(/^policy: policy\/pack\.yml +#/m);
    expect(readFileSync(join(root, 'releases/x/asl.yml'), 'utf8')).toMatch(/^policy: prep-1$/m);
    const check = JSON.parse(asl(['check', '--format', 'json', '--now', '2026-11-20'], root).stdout);
    const codes: string[] = check.findings.map((f: { code: string }) => f.code);
    // Only evidence still to gather: nothing about the files' shape, names or pack.
    const evidence = [
      'threshold.unassessed',
      'evaluation.stale',
      'evaluation.overdue',
      'safeguard.unverified',
      'reference.missing',
      'report.missing',
      'review.missing',
    ];
    expect(codes.filter((c) => !evidence.includes(c))).toEqual([]);
    expect(codes).toContain('safeguard.unverified');
  });
});

describe('init from a subfolder', () => {
  it('writes at the repository root around the working folder', () => {
    const root = writeRepo({ 'src/model/README.md': 'x\n' });
    const r = asl(['init', '--model', 'sub', '--level', 'ASL-2'], join(root, 'src/model'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(root, 'releases/sub/asl.yml'))).toBe(true);
    expect(existsSync(join(root, '.github/asl-gate.yml'))).toBe(true);
  });
});
