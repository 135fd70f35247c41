// Property: whatever a release file turns into, evaluation returns a verdict and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRepository } from '../../src/engine/check.js';
import { loadPolicy } from '../../src/load/policy.js';
import { MemorySnapshot } from '../../src/snapshot/memory.js';
import { exampleRepo } from '../helpers/repo.js';

const files = exampleRepo('nova-2', 'orion-1-ack');
const targets = Object.keys(files).filter((p) => p.endsWith('.yml'));
const TOKENS = [
  '',
  ':',
  '- ',
  '&a ',
  '*a',
  '!!binary ',
  '{',
  '[',
  '"',
  "'",
  '\t',
  '\n',
  '#',
  '---\n',
  'null',
  '~',
  '1.10',
  'yes',
  '__proto__: 1\n',
  '<<: x\n',
  '../',
  '/etc/passwd',
  '\u0000',
  '\uFEFF',
  '2026-02-30',
  'ASL-9',
  'not_ruled_out',
  '  ',
  '?',
  '%YAML 1.1\n',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('noise' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
);

type Mutation = { kind: string; at: number; token?: string; len?: number; text?: string };

function apply(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  const lines = text.split('\n');
  const li = m.at % lines.length;
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at) + m.token! + text.slice(at);
    case 'noise':
      return text.slice(0, at) + m.text! + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len!);
    case 'dupLine':
      return [...lines.slice(0, li + 1), ...lines.slice(li)].join('\n');
    default:
      return [...lines.slice(0, li), ...lines.slice(li + 1)].join('\n');
  }
}

describe('fuzzing release files', () => {
  it('evaluate never throws and always returns a verdict', async () => {
    const policy = await loadPolicy(new MemorySnapshot(files));
    if (!policy.ok) throw new Error('example policy must load');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        async (target, mutations) => {
          const mutated = { ...files, [target]: mutations.reduce((t, m) => apply(t, m), files[target]) };
          const report = await checkRepository({
            snapshot: new MemorySnapshot(mutated),
            policy: policy.policy,
            today: '2026-11-28',
          });
          expect(['pass', 'fail']).toContain(report.verdict);
          for (const f of report.findings) {
            expect(typeof f.message).toBe('string');
            if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 400, seed: 20261128 },
    );
  });

  it('a mutated config never throws either', async () => {
    const config = files['.github/asl-gate.yml'];
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (mutations) => {
        const mutated = { ...files, '.github/asl-gate.yml': mutations.reduce((t, m) => apply(t, m), config) };
        const r = await loadPolicy(new MemorySnapshot(mutated));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
