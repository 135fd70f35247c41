// listPullFiles: GitHub's entries as listed (the paths come from changedPaths() in touches.ts), and
// one clear line whenever the listing cannot be the whole change.
import { describe, expect, it } from 'vitest';
import { listPullFiles, type GitHubApi } from '../../github/snapshot.js';
import { changedPaths } from '../../src/engine/touches.js';

const api = (files: unknown[]): GitHubApi & { calls: number } => {
  const out = {
    calls: 0,
    request: async () => ({ status: 200, data: {} }),
    paginate: async () => {
      out.calls++;
      return files;
    },
  };
  return out;
};

describe('listPullFiles', () => {
  it("returns GitHub's entries, a rename with its old path; changedPaths() derives every path", async () => {
    const listed = [
      { sha: 'x', filename: 'releases/a/asl.yml', status: 'modified', additions: 1 },
      { filename: 'releases/a/old.md', status: 'removed' },
      { filename: 'archive/r.md', status: 'renamed', previous_filename: 'releases/a/r.md' },
    ];
    const r = await listPullFiles(api(listed), 'o', 'r', 1, 3);
    expect(r).toEqual({
      ok: true,
      files: [
        { filename: 'releases/a/asl.yml', status: 'modified' },
        { filename: 'releases/a/old.md', status: 'removed' },
        { filename: 'archive/r.md', status: 'renamed', previous_filename: 'releases/a/r.md' },
      ],
    });
    expect(r.ok && changedPaths(r.files)).toEqual([
      'archive/r.md',
      'releases/a/asl.yml',
      'releases/a/old.md',
      'releases/a/r.md',
    ]);
  });

  it.each([
    ['empty', [], 3, /^GitHub listed no changed files/],
    ['shorter than changed_files', [{ filename: 'a', status: 'added' }], 2, /^GitHub listed 1 of the 2 files/],
    ['a rename without its old path', [{ filename: 'a', status: 'renamed' }], 1, /something other than files/],
    ['not files', [{ name: 'a' }], 1, /something other than files/],
  ])('fails closed when the listing is %s', async (_, files, expected, problem) => {
    const r = await listPullFiles(api(files), 'o', 'r', 1, expected);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(problem);
    expect(!r.ok && r.problem.includes('\n')).toBe(false);
  });

  it('over 3,000 files by the event fails before listing', async () => {
    const a = api([]);
    const r = await listPullFiles(a, 'o', 'r', 1, 3001);
    expect(!r.ok && r.problem).toMatch(/more than 3000 files \(3001\)/);
    expect(a.calls).toBe(0);
  });
});
