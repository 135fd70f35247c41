import fc from 'fast-check';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNormalRelative, resolveReference } from '../../src/load/safe-path.js';

describe('working-tree paths', () => {
  it('a path taken as it is, unjoined, is one join would leave as it is (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('', '.', '..', '...', '.a', 'a.', 'releases', 'asl.yml', 'a\\b'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = segments.join('/');
        if (isNormalRelative(path)) expect(join('/repo', path)).toBe(`/repo/${path}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    for (const p of ['a', 'releases/nova-2/asl.yml', '...', '.a/b.', 'a..b']) expect(isNormalRelative(p), p).toBe(true);
    for (const p of ['', '.', '..', 'a/', '/a', 'a//b', 'a/./b', 'a/../b', './a', '../a', 'a/.', 'a/..', '/'])
      expect(isNormalRelative(p), p).toBe(false);
    // A reference resolves to what normalising the joined path gives, shortcut or not.
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 3 }),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (base, ref) => {
          const r = resolveReference(base.join('/'), ref.join('/'), {});
          const expected = posix.normalize(posix.join(base.join('/') || '.', ref.join('/')));
          if (r.ok) expect(r.path).toBe(expected);
          else if (!/[\0\\:]/.test(ref.join('/')) && !ref.join('/').startsWith('/'))
            expect(expected === '.' || expected === '..' || expected.startsWith('../') || expected.endsWith('/')).toBe(
              true,
            );
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});
