// SPEC §4's "touches": which releases a change touches, and whether it touches the gate's policy.
import { describe, expect, it } from 'vitest';
import { releaseFolderMatcher } from '../../src/engine/check.js';
import { changedPaths, touches, type ChangedFile, type ReleaseFiles } from '../../src/engine/touches.js';

const nova: ReleaseFiles = {
  file: 'releases/nova-2/asl.yml',
  referenced: ['releases/nova-2/assessments/cbrn.yml', 'evals/cbrn.yml', 'releases/lyra-3/reports/shared.md'],
};
const lyra: ReleaseFiles = { file: 'releases/lyra-3/asl.yml', referenced: ['releases/lyra-3/reports/capability.md'] };
const policy = {
  policyFiles: ['.github/asl-gate.yml'],
  policyFolders: ['packs/'],
  releaseFolderOf: releaseFolderMatcher(['releases/*/asl.yml']),
};
const run = (changes: ChangedFile[], base: ReleaseFiles[] = [nova, lyra], head: ReleaseFiles[] = [nova, lyra]) =>
  touches({ changes, base, head, ...policy });

describe('touches (SPEC §4)', () => {
  it('a file in a release folder touches that release, whatever its status', () => {
    for (const status of ['added', 'modified', 'removed'] as const) {
      expect(run([{ status, filename: 'releases/lyra-3/reports/capability.md' }]).releases).toEqual([
        'releases/lyra-3/asl.yml',
      ]);
    }
  });

  it('both paths of a rename count', () => {
    expect(
      run([{ status: 'renamed', filename: 'docs/old.md', previous_filename: 'releases/lyra-3/reports/capability.md' }])
        .releases,
    ).toEqual(['releases/lyra-3/asl.yml']);
    expect(
      run([{ status: 'renamed', filename: 'releases/lyra-3/x.md', previous_filename: 'docs/x.md' }]).releases,
    ).toEqual(['releases/lyra-3/asl.yml']);
    expect(changedPaths([{ status: 'renamed', filename: 'b', previous_filename: 'a' }])).toEqual(['a', 'b']);
  });

  it('a cited file outside every release folder touches the releases that cite it', () => {
    expect(run([{ status: 'modified', filename: 'evals/cbrn.yml' }]).releases).toEqual(['releases/nova-2/asl.yml']);
    expect(run([{ status: 'modified', filename: 'evals/other.yml' }]).releases).toEqual([]);
  });

  it("a file in another release's folder touches the release that cites it too", () => {
    expect(run([{ status: 'modified', filename: 'releases/lyra-3/reports/shared.md' }]).releases).toEqual([
      'releases/lyra-3/asl.yml',
      'releases/nova-2/asl.yml',
    ]);
  });

  it('references at the base count as much as references at the head', () => {
    const headNova = { ...nova, referenced: [] };
    expect(run([{ status: 'removed', filename: 'evals/cbrn.yml' }], [nova], [headNova]).releases).toEqual([
      'releases/nova-2/asl.yml',
    ]);
    // A release that exists only at the base (removed by the change) is touched too.
    expect(run([{ status: 'removed', filename: 'releases/lyra-3/asl.yml' }], [nova, lyra], [nova]).releases).toEqual([
      'releases/lyra-3/asl.yml',
    ]);
  });

  it('the config and packs are policy, removed or renamed away included', () => {
    expect(run([{ status: 'removed', filename: '.github/asl-gate.yml' }])).toEqual({
      releases: [],
      policy: ['.github/asl-gate.yml'],
      undeclared: [],
    });
    expect(
      run([{ status: 'renamed', filename: 'docs/x.yml', previous_filename: '.github/asl-gate.yml' }]).policy,
    ).toEqual(['.github/asl-gate.yml']);
    expect(run([{ status: 'renamed', filename: 'old/pack.yml', previous_filename: 'packs/lab.yml' }]).policy).toEqual([
      'packs/lab.yml',
    ]);
  });

  it('release folders no declaration covers are reported', () => {
    expect(run([{ status: 'added', filename: 'releases/new-1/reports/x.md' }]).undeclared).toEqual(['releases/new-1']);
    expect(run([{ status: 'added', filename: 'releases/nova-2/reports/x.md' }]).undeclared).toEqual([]);
  });

  it('a change that touches nothing', () => {
    expect(run([{ status: 'modified', filename: 'README.md' }])).toEqual({ releases: [], policy: [], undeclared: [] });
  });
});
