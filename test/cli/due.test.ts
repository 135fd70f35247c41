// `asl-gate due` as a process: what falls due in the examples and in a repository of two releases,
// in each format, with its exit codes; the calendar parsed back by a real iCalendar parser.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, describe, expect, it } from 'vitest';
import { dueInRepository } from '../../src/engine/due.js';
import { loadPolicy, type Policy } from '../../src/load/policy.js';
import { MemorySnapshot } from '../../src/snapshot/memory.js';
import { ROOT, writeRepo, type Files } from '../helpers/repo.js';

const BIN = join(ROOT, 'bin/asl-gate.js');
function asl(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** An item of `asl-gate due --format json`, as far as these tests read it. */
type DueJsonItem = Record<string, unknown> & { due: string; state: string; model: string; thresholds: string[] };
function dueJson(args: string[], cwd = ROOT) {
  const r = asl(['due', ...args, '--format', 'json'], cwd);
  const items = r.stdout ? (JSON.parse(r.stdout) as { items: DueJsonItem[] }).items : [];
  return { ...r, items };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function repo(files: Files): string {
  const root = writeRepo(files);
  temps.push(root);
  return root;
}

const assessment = (id: string, kind: string, thresholds: string[], due: string, completed?: string) =>
  [
    `id: ${id}`,
    `kind: ${kind}`,
    `thresholds: [${thresholds.join(', ')}]`,
    `due: ${due}`,
    ...(completed ? [`completed: ${completed}`, 'result:', ...thresholds.map((t) => `  ${t}: ruled_out`)] : []),
    '',
  ].join('\n');
const declaration = (model: string, releaseDate: string, files: string[]) =>
  [
    `model: ${JSON.stringify(model)}`,
    'policy: anthropic-rsp-2.2',
    `release_date: ${releaseDate}`,
    'declared: {deployment: ASL-2, security: ASL-2}',
    'assessments:',
    ...files.map((f) => `  - ${f}`),
    '',
  ].join('\n');

/** The atlas release's declaration (extended by a test below). */
const ATLAS = declaration('atlas', '2026-12-01', [
  'assessments/cbrn.yml',
  'assessments/ai-rd.yml',
  'assessments/cbrn-refresh.yml',
  'assessments/ai-rd-prelim.yml',
]);

/**
 * Two releases, two grace days. On 2026-11-28:
 * - atlas: cbrn-refresh (due 11-20) overdue; ai-rd-prelim (due 11-27) past due but in grace;
 *   CBRN-3/4 comprehensive due 12-01 (183 days after 2026-06-01); AI-RD-* on 2027-05-18.
 * - borealis (a model name Mermaid and iCalendar must escape): ai-rd open until 2027-01-10;
 *   AI-RD-4/5 have no completed comprehensive assessment, so due on release_date 2027-01-15;
 *   CBRN-3/4 and AI-RD-CHECKPOINT share 2027-04-02.
 */
const TWO_RELEASES: Files = {
  '.github/asl-gate.yml': 'policy: anthropic-rsp-2.2\ngrace_days: 2\n',
  'releases/atlas/asl.yml': ATLAS,
  'releases/atlas/assessments/cbrn.yml': assessment(
    'cbrn-2026-06',
    'comprehensive',
    ['CBRN-3', 'CBRN-4'],
    '2026-06-01',
    '2026-06-01',
  ),
  'releases/atlas/assessments/ai-rd.yml': assessment(
    'ai-rd-2026-11',
    'comprehensive',
    ['AI-RD-CHECKPOINT', 'AI-RD-4', 'AI-RD-5'],
    '2026-11-16',
    '2026-11-16',
  ),
  'releases/atlas/assessments/cbrn-refresh.yml': assessment(
    'cbrn-refresh',
    'comprehensive',
    ['CBRN-3', 'CBRN-4'],
    '2026-11-20',
  ),
  'releases/atlas/assessments/ai-rd-prelim.yml': assessment('ai-rd-prelim', 'preliminary', ['AI-RD-4'], '2026-11-27'),
  'releases/borealis/asl.yml': declaration(
    'Boréalis: β#1; "ß", ünïcödé ✓ — a name long enough to need folding',
    '2027-01-15',
    ['assessments/cbrn.yml', 'assessments/ai-rd.yml'],
  ),
  'releases/borealis/assessments/cbrn.yml': assessment(
    'cbrn-2026-10',
    'comprehensive',
    ['CBRN-3', 'CBRN-4', 'AI-RD-CHECKPOINT'],
    '2026-10-01',
    '2026-10-01',
  ),
  'releases/borealis/assessments/ai-rd.yml': assessment(
    'ai-rd-2027-01',
    'comprehensive',
    ['AI-RD-4', 'AI-RD-5'],
    '2027-01-10',
  ),
};

describe('asl-gate due: the examples', () => {
  it('overdue, due soon and upcoming comprehensive assessments, sorted by date; exit 1 when overdue', () => {
    const r = dueJson(['examples', '--now', '2027-05-17', '--within', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const summary = r.items.map((i) => `${i.due} ${i.state} ${i.model} ${i.thresholds.join(',')}`);
    expect(summary).toEqual([
      // The newest comprehensive assessments of CBRN-3/4 were completed 2026-11-14: + 183 days.
      '2027-05-16 overdue haiku-mini CBRN-3,CBRN-4',
      '2027-05-16 overdue lyra-3 CBRN-3,CBRN-4',
      '2027-05-16 overdue nova-2 CBRN-3,CBRN-4',
      '2027-05-18 due_soon haiku-mini AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5',
      '2027-05-18 due_soon lyra-3 AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5',
      '2027-05-18 due_soon nova-2 AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5',
      '2027-05-18 due_soon orion-1-ack AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5',
      '2027-05-18 due_soon orion-1 AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5',
      // orion-1's CBRN assessment was completed late, on 2026-11-18.
      '2027-05-20 upcoming orion-1-ack CBRN-3,CBRN-4',
      '2027-05-20 upcoming orion-1 CBRN-3,CBRN-4',
    ]);
  });

  it('the JSON has exactly the SPEC shape', () => {
    const r = asl(['due', 'examples', '--now', '2027-05-17', '--format', 'json']);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual(['items']);
    expect(parsed.items[0]).toStrictEqual({
      declaration: 'releases/haiku-mini/asl.yml',
      model: 'haiku-mini',
      what: 'comprehensive',
      thresholds: ['CBRN-3', 'CBRN-4'],
      due: '2027-05-16',
      state: 'overdue',
    });
    for (const item of parsed.items)
      expect(Object.keys(item)).toEqual(['declaration', 'model', 'what', 'thresholds', 'due', 'state']);
  });

  it('exit 0 when nothing is overdue: all due soon a week before, all upcoming today', () => {
    const soon = dueJson(['examples', '--now', '2027-05-10']);
    expect(soon.code).toBe(0);
    expect(new Set(soon.items.map((i) => i.state))).toEqual(new Set(['due_soon']));
    const now = dueJson(['examples', '--now', '2026-12-01']);
    expect(now.code).toBe(0);
    expect(now.items).toHaveLength(10);
    expect(new Set(now.items.map((i) => i.state))).toEqual(new Set(['upcoming']));
  });

  it('a declaration file as PATH lists only that release', () => {
    const r = dueJson(['examples/releases/nova-2/asl.yml', '--now', '2027-05-10']);
    expect(r.code).toBe(0);
    expect(r.items.map((i) => i.declaration)).toEqual(['releases/nova-2/asl.yml', 'releases/nova-2/asl.yml']);
  });

  it('text: by date, with state and days in words', () => {
    const r = asl(['due', 'examples', '--now', '2027-05-17', '--within', '2']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'OVERDUE   2027-05-16  haiku-mini: comprehensive assessment of CBRN-3, CBRN-4, overdue by 1 day',
    );
    expect(lines[1]).toBe(
      '                      add a comprehensive assessment covering CBRN-3, CBRN-4 and list it under assessments: in releases/haiku-mini/asl.yml',
    );
    expect(r.stdout).toContain(
      'DUE SOON  2027-05-18  nova-2: comprehensive assessment of AI-RD-CHECKPOINT, AI-RD-4, AI-RD-5, in 1 day\n',
    );
    expect(r.stdout).toContain(
      'UPCOMING  2027-05-20  orion-1: comprehensive assessment of CBRN-3, CBRN-4, in 3 days\n',
    );
    expect(r.stdout).toMatch(/\n10 items: 3 overdue, 5 due soon \(within 2 days of 2027-05-17\), 2 upcoming\n$/);
    expect(r.stdout).not.toContain('\u001b[');
  });
});

describe('asl-gate due: a repository with two releases', () => {
  it('open assessments and the cadence of each release, grace days applied as check applies them', () => {
    const root = repo(TWO_RELEASES);
    const r = dueJson(['--now', '2026-11-28'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const borealis = 'Boréalis: β#1; "ß", ünïcödé ✓ — a name long enough to need folding';
    expect(r.items).toStrictEqual([
      {
        declaration: 'releases/atlas/asl.yml',
        model: 'atlas',
        what: 'assessment',
        assessment: 'cbrn-refresh',
        thresholds: ['CBRN-3', 'CBRN-4'],
        due: '2026-11-20',
        state: 'overdue',
      },
      {
        declaration: 'releases/atlas/asl.yml',
        model: 'atlas',
        what: 'assessment',
        assessment: 'ai-rd-prelim',
        thresholds: ['AI-RD-4'],
        due: '2026-11-27',
        state: 'due_soon',
      },
      {
        declaration: 'releases/atlas/asl.yml',
        model: 'atlas',
        what: 'comprehensive',
        thresholds: ['CBRN-3', 'CBRN-4'],
        due: '2026-12-01',
        state: 'due_soon',
      },
      {
        declaration: 'releases/borealis/asl.yml',
        model: borealis,
        what: 'assessment',
        assessment: 'ai-rd-2027-01',
        thresholds: ['AI-RD-4', 'AI-RD-5'],
        due: '2027-01-10',
        state: 'upcoming',
      },
      {
        declaration: 'releases/borealis/asl.yml',
        model: borealis,
        what: 'comprehensive',
        thresholds: ['AI-RD-4', 'AI-RD-5'],
        due: '2027-01-15',
        state: 'upcoming',
      },
      {
        declaration: 'releases/borealis/asl.yml',
        model: borealis,
        what: 'comprehensive',
        thresholds: ['CBRN-3', 'CBRN-4', 'AI-RD-CHECKPOINT'],
        due: '2027-04-02',
        state: 'upcoming',
      },
      {
        declaration: 'releases/atlas/asl.yml',
        model: 'atlas',
        what: 'comprehensive',
        thresholds: ['AI-RD-CHECKPOINT', 'AI-RD-4', 'AI-RD-5'],
        due: '2027-05-18',
        state: 'upcoming',
      },
    ]);
    // `due` calls overdue exactly what `check` calls evaluation.overdue: ai-rd-prelim is in its grace days.
    const check = JSON.parse(asl(['check', '--now', '2026-11-28', '--format', 'json'], root).stdout);
    const overdue = check.findings
      .filter((f: { code: string }) => f.code === 'evaluation.overdue')
      .map((f: { file: string }) => f.file);
    expect(overdue).toEqual(['releases/atlas/assessments/cbrn-refresh.yml']);
    const text = asl(['due', '--now', '2026-11-28'], root).stdout;
    expect(text).toContain('atlas: assessment cbrn-refresh (CBRN-3, CBRN-4), overdue by 6 days\n');
    expect(text).toContain('atlas: assessment ai-rd-prelim (AI-RD-4), 1 day past due, grace until 2026-11-29\n');
    expect(text).toContain('complete it and set completed: in releases/atlas/assessments/ai-rd-prelim.yml\n');
    // Once the grace days are over, it is overdue for both commands.
    expect(dueJson(['--now', '2026-11-30'], root).items[1].state).toBe('overdue');
    // Nothing overdue (before any due date): exit 0.
    expect(asl(['due', '--now', '2026-11-01'], root).code).toBe(0);
  });

  it('the calendar: valid iCalendar, one all-day event per item, UIDs identical across runs on different days', () => {
    const root = repo(TWO_RELEASES);
    const first = asl(['due', '--now', '2026-11-28', '--format', 'ics'], root);
    const later = asl(['due', '--now', '2027-02-01', '--format', 'ics'], root);
    expect(first.code).toBe(1);
    for (const ics of [first.stdout, later.stdout]) {
      expect(ics.endsWith('\r\n')).toBe(true);
      expect(ics.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/); // CRLF only
      for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
    const events = (ics: string) =>
      new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const a = events(first.stdout);
    const b = events(later.stdout);
    const items = dueJson(['--now', '2026-11-28'], root).items;
    expect(a).toHaveLength(items.length);
    expect(a.map((e) => e.uid)).toEqual(b.map((e) => e.uid));
    expect(new Set(a.map((e) => e.uid)).size).toBe(a.length);
    a.forEach((e, i) => {
      const item = items[i];
      expect(e.startDate.isDate).toBe(true); // all-day
      expect(e.startDate.toString()).toBe(item.due);
      expect(e.endDate.toString()).toBe(
        new Date(Date.parse(`${item.due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10),
      );
      expect(e.component.getFirstPropertyValue('dtstamp')).toBeTruthy();
      expect(e.summary).toContain(item.model);
      for (const t of item.thresholds) expect(e.description).toContain(t);
    });
    expect(a[0].summary).toBe('OVERDUE: atlas: assessment cbrn-refresh (CBRN-3, CBRN-4)');
    expect(a[0].description).toContain('releases/atlas/assessments/cbrn-refresh.yml');
    expect(a[2].description).toContain('list it under assessments: in releases/atlas/asl.yml');
    // Escaped text comes back as written, folded lines and all.
    expect(a[3].summary).toBe(
      'Boréalis: β#1; "ß", ünïcödé ✓ — a name long enough to need folding: assessment ai-rd-2027-01 (AI-RD-4, AI-RD-5)',
    );
  });

  it('markdown: a table and a 90-day Mermaid gantt, overdue milestones crit, names sanitised', () => {
    const root = repo(TWO_RELEASES);
    const r = asl(['due', '--now', '2026-11-28', '--format', 'markdown'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '| 2026-11-20 | ❌ overdue | atlas | assessment cbrn-refresh (CBRN-3, CBRN-4) | overdue by 6 days | `releases/atlas/assessments/cbrn-refresh.yml` |',
    );
    const gantt = /```mermaid\n([\s\S]*?)```/.exec(r.stdout)![1];
    expect(gantt).toContain('  assessment cbrn-refresh : crit, milestone, 2026-11-20, 0d\n');
    expect(gantt).toContain('  assessment ai-rd-prelim : milestone, 2026-11-27, 0d\n');
    const section = gantt.split('\n').find((l) => l.startsWith('  section Bor'))!;
    expect(section).toMatch(/^ {2}section Bor_alis_[\w .-]+a name long enough/);
    expect(section.length).toBe('  section '.length + 60);
    expect(gantt).toContain('  comprehensive AI-RD-4 AI-RD-5 : milestone, 2027-01-15, 0d\n');
    // Beyond 90 days: in the table, not in the gantt.
    expect(r.stdout).toContain('| 2027-04-02 |');
    expect(gantt).not.toContain('2027-04-02');
    expect(gantt).not.toContain('2027-05-18');
  });

  it('a repository with no release: nothing falls due, exit 0, an empty calendar that still parses', () => {
    const root = repo({ '.github/asl-gate.yml': 'policy: anthropic-rsp-2.2\n' });
    const text = asl(['due', '--now', '2026-11-28'], root);
    expect(text).toMatchObject({ code: 0, stdout: 'Nothing falls due (as of 2026-11-28).\n', stderr: '' });
    expect(asl(['due', '--now', '2026-11-28', '--format', 'json'], root).stdout).toBe('{\n  "items": []\n}\n');
    const ics = asl(['due', '--now', '2026-11-28', '--format', 'ics'], root).stdout;
    expect(new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent')).toHaveLength(0);
    expect(asl(['due', '--now', '2026-11-28', '--format', 'markdown'], root).stdout).toContain('Nothing falls due.');
  });

  it('a release that cannot be read in full is named on stderr; what can be read is still listed', () => {
    const root = repo({ ...TWO_RELEASES, 'releases/atlas/assessments/ai-rd-prelim.yml': 'id: [unclosed\n' });
    const r = dueJson(['--now', '2026-11-28'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^asl-gate due: releases\/atlas\/asl.yml could not be read in full \(1 problem\); its due dates may be missing: run asl-gate check\n$/,
    );
    expect(r.items.map((i) => i.assessment).filter(Boolean)).toEqual(['cbrn-refresh', 'ai-rd-2027-01']);
  });
});

describe('asl-gate due: usage', () => {
  it('exit 2 on a usage or configuration error, with a message and no stack trace', () => {
    const badConfig = repo({ ...TWO_RELEASES, '.github/asl-gate.yml': 'policy: no-such-pack\n' });
    for (const [args, cwd, message] of [
      [['due', '--within=-1'], ROOT, /--within must be a number of days/],
      [['due', '--within', 'soon'], ROOT, /--within must be a number of days/],
      [['due', '--format', 'yaml'], ROOT, /--format must be text, json, ics or markdown/],
      [['due', '--now', '2026-02-30'], ROOT, /--now must be a date/],
      [['due', '--bogus'], ROOT, /--bogus/],
      [['due', 'no/such/path'], ROOT, /no\/such\/path: no such file or folder/],
      [['due', '--config', 'no-such.yml'], ROOT, /--config no-such.yml: no such file/],
      [['due', '--now', '2026-11-28'], badConfig, /configuration error[\s\S]*policy\.unknown/],
    ] as const) {
      const r = asl([...args], cwd);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--help prints the usage and exits 0; the main usage names the command', () => {
    const r = asl(['due', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: asl-gate due \[PATH\.\.\.\]/);
    expect(asl(['help']).stdout).toMatch(/^  due +List what falls due/m);
    expect(asl(['help', 'due']).stdout).toBe(r.stdout);
  });
});

describe('due: the engine', () => {
  async function examplePolicy(files: Files, edit?: (p: Policy) => Policy) {
    const snapshot = new MemorySnapshot(files as Record<string, string>);
    const loaded = await loadPolicy(snapshot);
    if (!loaded.ok) throw new Error('bad policy');
    return { snapshot, policy: edit ? edit(loaded.policy) : loaded.policy };
  }

  it('a pack cadence without an interval gives no comprehensive item, only the assessments written', async () => {
    const { snapshot, policy } = await examplePolicy(TWO_RELEASES, (p) => ({
      ...p,
      pack: { ...p.pack, pack: { ...p.pack.pack, cadence: {} } },
    }));
    const report = await dueInRepository({ snapshot, policy, today: '2026-11-28' });
    expect(report.items.map((i) => `${i.what} ${i.assessment}`)).toEqual([
      'assessment cbrn-refresh',
      'assessment ai-rd-prelim',
      'assessment ai-rd-2027-01',
    ]);
  });

  it('effective compute at the pack multiple makes the next comprehensive assessment due on release_date', async () => {
    const files = {
      ...TWO_RELEASES,
      'releases/atlas/asl.yml': `${ATLAS}effective_compute_since_last_comprehensive: 4\n`,
    };
    const { snapshot, policy } = await examplePolicy(files);
    const report = await dueInRepository({
      snapshot,
      policy,
      today: '2026-11-28',
      declarations: ['releases/atlas/asl.yml'],
    });
    const comprehensive = report.items.filter((i) => i.what === 'comprehensive');
    // CBRN's interval ends on release_date anyway; AI-RD's would end in May 2027.
    expect(comprehensive.map((i) => [i.due, i.thresholds.join(','), i.reason ?? ''])).toEqual([
      ['2026-12-01', 'CBRN-3,CBRN-4,AI-RD-CHECKPOINT,AI-RD-4,AI-RD-5', ''],
    ]);
  });
});
