import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/load/yaml/safe-yaml.js';

describe('safe YAML', () => {
  it('keeps a __proto__ key as data, never as a prototype', async () => {
    const r = await parseYaml('__proto__:\n  polluted: yes\nok: 1\n', 'f.yml');
    if (!r.ok) throw new Error('should parse');
    const v = r.parsed.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'ok']);
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });
  it('entries below a line ending in [] are one finding at the [], saying to remove it', async () => {
    const text = 'reviews:\n  internal: []   # required\n  # a comment\n  - by: x\n    date: 2026-11-30\nother: 1\n';
    const r = await parseYaml(text, 'asl.yml');
    if (r.ok) throw new Error('should not parse');
    expect(r.findings).toEqual([
      {
        code: 'yaml.invalid',
        severity: 'error',
        message:
          'not valid YAML: line 2 ends with `[]` (an empty list), so nothing may follow under it: remove the `[]` to start the list below',
        file: 'asl.yml',
        line: 2,
        column: 13,
      },
    ]);
    const fixed = await parseYaml(text.replace(': []', ':'), 'asl.yml');
    expect(fixed.ok).toBe(true);
  });

  it('points at a key or a value', async () => {
    const r = await parseYaml('a:\n  b: 1\n', 'f.yml');
    if (!r.ok) throw new Error('should parse');
    expect(r.parsed.locate(['a', 'b'])).toEqual({ file: 'f.yml', line: 2, column: 6 });
    expect(r.parsed.locate(['a', 'b'], { key: true })).toEqual({ file: 'f.yml', line: 2, column: 3 });
    expect(r.parsed.locate(['a', 'missing'])).toEqual({ file: 'f.yml', line: 2, column: 3 });
    // The document kept for positions can be let go (a schema check does, once its findings are
    // placed); a later lookup parses again and finds the same place.
    r.parsed.forgetPositions();
    expect(r.parsed.locate(['a', 'b'])).toEqual({ file: 'f.yml', line: 2, column: 6 });
  });

  // Its speed is measured in bench/yaml.mjs; here, only that it works at the size cap.
  it.each([
    ['ASCII', 'key_7'],
    ['one non-ASCII character', 'kéy_7'],
  ])(
    'a 256 KiB mapping of unique keys (%s) parses, and a duplicate among them is found at its line and column',
    async (_, seventh) => {
      const lines: string[] = [];
      for (let i = 0, size = 0; size < 256 * 1024 - 64; i++) {
        const line = `${i === 7 ? seventh : `key_${i}`}: value ${i}`;
        lines.push(line);
        size += Buffer.byteLength(line) + 1;
      }
      const text = `${lines.join('\n')}\n`;
      const ok = await parseYaml(text, 'big.yml');
      if (!ok.ok) throw new Error(`should parse: ${ok.findings[0]?.message}`);
      expect(Object.keys(ok.parsed.value as object)).toHaveLength(lines.length);

      const dup = await parseYaml(`${text}  ${seventh}: again\n`.replace(`  ${seventh}`, seventh), 'big.yml');
      expect(dup.ok).toBe(false);
      if (dup.ok) return;
      expect(dup.findings).toEqual([
        {
          code: 'yaml.invalid',
          severity: 'error',
          message: 'duplicate key: each key may appear once in a mapping',
          file: 'big.yml',
          line: lines.length + 1,
          column: 1,
        },
      ]);
    },
  );
});
