// The user's documentation stays navigable: every relative link in README.md and docs/*.md names
// a file or folder of the repository (anchors are not checked).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((n) => n.endsWith('.md'))
    .map((n) => `docs/${n}`),
];

/** The targets of a Markdown file's inline links and images, outside code blocks and spans. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*(?:<([^>\n]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

describe('documentation links', () => {
  it('finds inline links and images, not links shown as code', () => {
    expect(linkTargets('[a](docs/x.md) ![i](img.png "t") `[b](no.md)`\n```\n[c](no.md)\n```\n[d](<y z.md#s>)')).toEqual(
      ['docs/x.md', 'img.png', 'y z.md#s'],
    );
    expect(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toContain('docs/README.md');
  });

  it('docs/ holds the contract pages the README points to', () => {
    for (const page of ['README.md', 'files.md', 'findings.md', 'cli.md', 'action.md', 'app.md'])
      expect(existsSync(join(ROOT, 'docs', page)), page).toBe(true);
  });

  it.each(DOCS)('every relative link in %s names a file that exists in the repository', (doc) => {
    const targets = linkTargets(readFileSync(join(ROOT, doc), 'utf8')).filter(
      (t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'),
    );
    for (const t of targets) {
      const path = decodeURIComponent(t.split('#')[0]);
      const abs = join(ROOT, dirname(doc), path);
      expect(relative(ROOT, abs).startsWith('..'), `${doc}: ${t} leaves the repository`).toBe(false);
      expect(existsSync(abs), `${doc}: ${t}`).toBe(true);
    }
  });

  it('every finding code has a section in docs/findings.md', async () => {
    const { FINDING_CODES } = await import('../../src/findings.js');
    const text = readFileSync(join(ROOT, 'docs/findings.md'), 'utf8');
    for (const code of FINDING_CODES) expect(text, code).toContain(`### \`${code}\``);
  });

  it('docs/cli.md documents every command of the command table', async () => {
    const { COMMANDS } = await import('../../cli/main.js');
    const text = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    for (const c of COMMANDS) expect(text, c.name).toContain(`## ${c.name}\n`);
  });
});
