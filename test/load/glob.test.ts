import fc from 'fast-check';

import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/load/glob.js';

describe('globs', () => {
  it('* and ? stay within a folder; ** crosses folders', () => {
    expect(globToRegExp('releases/*').test('releases/nova')).toBe(true);
    expect(globToRegExp('releases/*').test('releases/a/b')).toBe(false);
    expect(globToRegExp('models/**/asl.yml').test('models/a/b/asl.yml')).toBe(true);
    expect(globToRegExp('models/**/asl.yml').test('models/asl.yml')).toBe(true);
    expect(globToRegExp('r/v?').test('r/v1')).toBe(true);
    expect(globToRegExp('r.x/*').test('rax/y')).toBe(false);
  });

  it('escapes every regex character a glob holds, as a regex replace would (property)', () => {
    const reference = (glob: string) =>
      `^${glob
        .split('/')
        .map((seg, i, all) =>
          seg === '**'
            ? i === all.length - 1
              ? '.*'
              : '(?:[^/]+/)*'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]') + (i === all.length - 1 ? '' : '/'),
        )
        .join('')}$`;
    const glob = fc.array(
      fc.oneof(
        fc.constantFrom(
          '*',
          '?',
          '**',
          '.',
          '+',
          '^',
          '$',
          '{',
          '}',
          '(',
          ')',
          '|',
          '[',
          ']',
          '\\',
          'a',
          '-',
          'é',
          '😀',
        ),
        fc.string({ maxLength: 3 }),
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(glob, (parts) => {
        const g = parts.join('/').replace(/\/+/g, '/');
        expect(globToRegExp(g).source).toBe(new RegExp(reference(g)).source);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});
