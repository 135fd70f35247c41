import { posix } from 'node:path';
import { mapLimited, READ_CONCURRENCY } from './concurrency.js';
import { error, type Finding, type Where } from '../findings.js';
import { kib, loadYamlFile, type Caps } from './read-yaml.js';
import { isLink, resolveReference, SafeStat } from './safe-path.js';
import type { ZodMiniType } from 'zod/mini';
import { declarationSchema, type Assessment, type Declaration } from './schemas/index.js';
import type { RepoSnapshot } from '../snapshot/port.js';
import type { ParsedYaml, YamlPath } from './yaml/safe-yaml.js';

export interface LoadedAssessment {
  file: string;
  data: Assessment;
  parsed: ParsedYaml;
}

/**
 * A declaration as read. When it failed the schema in some top-level fields only, `unreadable`
 * names them: `data` then holds just the fields that passed, and rules that need an unreadable
 * field do not run (its schema findings already fail the release).
 */
export interface LoadedDeclaration {
  data: Declaration;
  parsed: ParsedYaml;
  unreadable?: ReadonlySet<keyof Declaration>;
}

/** Everything read for one release: what parsed, plus the findings of reading it. */
export interface LoadedRelease {
  file: string;
  declaration?: LoadedDeclaration;
  assessments: LoadedAssessment[];
  /**
   * Assessment files listed but not read (their findings say why), and the ids the ones that
   * failed only the schema still name: the rules leave their consequences to those findings.
   */
  unreadableAssessments?: { files: string[]; ids: ReadonlySet<string> };
  /** Repository paths of every file the release references (assessments, reports, evidence). */
  referenced: string[];
  findings: Finding[];
}

/** Tracks the per-release caps (file count and total bytes) across every file a release names. */
class Budget {
  files = 0;
  bytes = 0;
  exceeded = false;
  constructor(private readonly caps: Caps) {}
  /** Count one file; false (once reported) when the release is over its caps. */
  take(size: number): boolean {
    this.files += 1;
    this.bytes += size;
    if (this.files > this.caps.releaseFiles || this.bytes > this.caps.releaseBytes) this.exceeded = true;
    return !this.exceeded;
  }
}

/**
 * Read a release: its declaration, the assessment files it lists, and an existence check of every
 * other file it references. Reading never throws; every problem is a finding.
 */
export async function loadRelease(
  snapshot: RepoSnapshot,
  declarationPath: string,
  caps: Caps,
  safe = new SafeStat(snapshot),
): Promise<LoadedRelease> {
  const out: LoadedRelease = { file: declarationPath, assessments: [], referenced: [], findings: [] };
  const budget = new Budget(caps);
  const dir = posix.dirname(declarationPath) === '.' ? '' : posix.dirname(declarationPath);

  const checked = await safe.checkFile(declarationPath, declarationPath, { file: declarationPath });
  if ('finding' in checked) {
    out.findings.push(checked.finding);
    return out;
  }
  budget.take(checked.entry.size);
  const loaded = await loadYamlFile(snapshot, declarationPath, checked.entry.size, 'declaration', caps);
  if (!loaded.ok) out.findings.push(...loaded.findings);
  const decl = loaded.ok
    ? { data: loaded.data, parsed: loaded.parsed }
    : loaded.parsed && readableFields(loaded.parsed);
  if (!decl) return out;
  out.declaration = decl;
  const d = decl.data;
  // Lazy: a position is looked up only when a finding needs it.
  const at =
    (path: YamlPath): Where =>
    () =>
      decl.parsed.locate(path);

  // Referenced files that are only checked for existence (reports, evidence, receipts).
  const refs: Array<{ ref: string; at: Where; baseDir: string }> = [];
  const ref = (value: string | undefined, path: YamlPath, baseDir = dir) => {
    if (value !== undefined && !isLink(value)) refs.push({ ref: value, at: at(path), baseDir });
  };
  d.safeguards?.forEach((g, i) => ref(g.evidence, ['safeguards', i, 'evidence']));
  ref(d.reports?.capability, ['reports', 'capability']);
  for (const [s, p] of Object.entries(d.reports?.safeguards ?? {})) ref(p, ['reports', 'safeguards', s]);
  d.reviews?.internal?.forEach((r, i) => ref(r.evidence, ['reviews', 'internal', i, 'evidence']));
  d.reviews?.external?.forEach((r, i) => ref(r.receipt, ['reviews', 'external', i, 'receipt']));
  d.reviews?.external?.forEach((r, i) => ref(r.evidence, ['reviews', 'external', i, 'evidence']));
  d.artifacts?.forEach((a, i) => ref(a.path, ['artifacts', i, 'path']));
  d.research?.forEach((r, i) => ref(r.report, ['research', i, 'report']));
  d.noncompliance?.forEach((n, i) => ref(n.report, ['noncompliance', i, 'report']));

  // Assessment files: resolve and stat them all first (cheap), then parse the ones in budget.
  const unreadable = { files: [] as string[], ids: new Set<string>() };
  const seen = new Set<string>();
  const assessmentFiles: Array<{ path: string; size: number }> = [];
  for (const [i, a] of (d.assessments ?? []).entries()) {
    const where = at(['assessments', i]);
    if (isLink(a)) {
      out.findings.push(
        error('schema.invalid', `assessments[${i}]: an assessment must be a file in the repository, not a link`, where),
      );
      unreadable.files.push(a);
      continue;
    }
    const r = resolveReference(dir, a, where);
    if (!r.ok) {
      out.findings.push(r.finding);
      unreadable.files.push(a);
      continue;
    }
    if (seen.has(r.path)) {
      out.findings.push(error('schema.invalid', `assessments[${i}]: ${JSON.stringify(a)} is listed twice`, where));
      continue;
    }
    seen.add(r.path);
    out.referenced.push(r.path);
    const c = await safe.checkFile(r.path, a, where);
    if ('finding' in c) {
      out.findings.push(c.finding);
      unreadable.files.push(r.path);
    } else assessmentFiles.push({ path: r.path, size: c.entry.size });
  }
  const inBudget: typeof assessmentFiles = [];
  for (const f of assessmentFiles) {
    if (budget.take(f.size)) inBudget.push(f);
    else unreadable.files.push(f.path);
  }
  const assessmentsRead = await mapLimited(inBudget, READ_CONCURRENCY, async (f) => ({
    f,
    l: await loadYamlFile(snapshot, f.path, f.size, 'assessment', caps),
  }));
  for (const { f, l } of assessmentsRead) {
    if (!l.ok) {
      out.findings.push(...l.findings);
      unreadable.files.push(f.path);
      const id = (l.parsed?.value as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') unreadable.ids.add(id);
      continue;
    }
    out.assessments.push({ file: f.path, data: l.data, parsed: l.parsed });
    if (l.data.report !== undefined && !isLink(l.data.report))
      refs.push({ ref: l.data.report, at: () => l.parsed.locate(['report']), baseDir: dir });
  }

  for (const r of refs) {
    const resolved = resolveReference(r.baseDir, r.ref, r.at);
    if (!resolved.ok) {
      out.findings.push(resolved.finding);
      continue;
    }
    out.referenced.push(resolved.path);
    const c = await safe.checkFile(resolved.path, r.ref, r.at);
    if ('finding' in c) out.findings.push(c.finding);
    else budget.take(c.entry.size);
  }
  if (unreadable.files.length > 0) out.unreadableAssessments = unreadable;
  if (budget.exceeded) {
    out.findings.push(
      error(
        'input.too_large',
        `release names ${budget.files} files (${kib(budget.bytes)}); the caps are ${caps.releaseFiles} files and ${kib(caps.releaseBytes)} per release`,
        { file: declarationPath },
      ),
    );
  }
  return out;
}

/**
 * The top-level fields of a declaration that failed the schema which pass it on their own, so the
 * rules that need only those still run in the same pass (one wave of findings). Undefined when
 * the document is not a mapping.
 */
function readableFields(parsed: ParsedYaml): LoadedDeclaration | undefined {
  // A static import: the rules import validate.js, which imports the schemas, so a dynamic import
  // here would load nothing later (and made the bundler warn INEFFECTIVE_DYNAMIC_IMPORT).
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data: Record<string, unknown> = {};
  const unreadable = new Set<keyof Declaration>();
  for (const [key, schema] of Object.entries(declarationSchema.shape) as Array<[keyof Declaration, ZodMiniType]>) {
    const field = (value as Record<string, unknown>)[key];
    const r = schema.safeParse(field);
    if (!r.success) unreadable.add(key);
    else if (r.data !== undefined) data[key] = r.data;
  }
  return { data: data as Declaration, parsed, unreadable };
}
