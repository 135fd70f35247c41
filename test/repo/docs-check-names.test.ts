// The documented workflows name their check as the contract does: a job whose `name:` starts with
// "ASL gate" carries the base branch (`ASL gate: ${{ … }}`), or branch protection that requires
// `ASL gate: main` waits forever for a check that never reports.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((n) => n.endsWith('.md'))
    .map((n) => `docs/${n}`),
];

/** The fenced YAML blocks of a Markdown file that are workflows (they have `jobs:`). */
function workflows(markdown: string): string[] {
  return [...markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1]).filter((b) => /^jobs:/m.test(b));
}

/** The job names of a workflow that start with "ASL gate". */
function gateJobNames(workflow: string): string[] {
  const doc = parse(workflow) as { jobs?: Record<string, { name?: unknown }> };
  return Object.values(doc.jobs ?? {})
    .map((job) => job.name)
    .filter((n): n is string => typeof n === 'string' && n.startsWith('ASL gate'));
}

describe('check names in the documented workflows', () => {
  it('finds a bare name and accepts one with the base', () => {
    const bare = 'jobs:\n  g:\n    name: ASL gate\n';
    const based = "jobs:\n  g:\n    name: 'ASL gate: ${{ github.base_ref || github.ref_name }}'\n";
    expect(gateJobNames(workflows('```yaml\n' + bare + '```\n')[0])).toEqual(['ASL gate']);
    expect(gateJobNames(based)[0]).toMatch(/^ASL gate: \$\{\{/);
  });

  it('README.md and docs/action.md show a workflow', () => {
    for (const doc of ['README.md', 'docs/action.md'])
      expect(workflows(readFileSync(join(ROOT, doc), 'utf8')).length, doc).toBeGreaterThan(0);
  });

  it.each(DOCS)('every "ASL gate" job in %s carries the base branch', (doc) => {
    for (const wf of workflows(readFileSync(join(ROOT, doc), 'utf8')))
      for (const name of gateJobNames(wf)) expect(name, doc).toMatch(/^ASL gate: \$\{\{/);
  });
});
