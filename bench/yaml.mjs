// YAML benchmark. Run: npm run build && node bench/yaml.mjs
// A file at the 256 KiB cap made of one mapping of unique keys, all ASCII and with one non-ASCII
// character, through the gate's safe reader (the `yaml` package with its own unique-key check off
// and a linear one instead, SPEC §2); baselines measured in the same run: the same data as JSON
// through JSON.parse, and `yaml` with its own (quadratic) unique-key check. Prints; asserts nothing.
import { LineCounter, parseDocument } from 'yaml';
import { parseYaml } from '../lib/src/load/yaml/safe-yaml.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`.padStart(10);

function mapping(nonAscii) {
  const lines = [];
  for (let i = 0, size = 0; size < 256 * 1024 - 64; i++) {
    const line = `${nonAscii && i === 7 ? 'kéy_7' : `key_${i}`}: value ${i}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  const yaml = `${lines.join('\n')}\n`;
  const json = JSON.stringify(Object.fromEntries(lines.map((l) => l.split(': '))));
  return { yaml, json, keys: lines.length };
}

async function time(fn, runs) {
  await fn();
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

console.log('A 256 KiB YAML mapping of unique keys (median of 7 after a warm-up)');
console.log('  file                         keys   JSON.parse   safe reader   ratio   yaml uniqueKeys:true');
for (const [name, nonAscii] of [
  ['ASCII', false],
  ['one non-ASCII char', true],
]) {
  const { yaml, json, keys } = mapping(nonAscii);
  const jsonT = await time(() => JSON.parse(json), 7);
  const safeT = await time(async () => {
    const r = await parseYaml(yaml, 'big.yml');
    if (!r.ok) throw new Error(r.findings[0].message);
  }, 7);
  const ownT = await time(
    () => parseDocument(yaml, { version: '1.2', schema: 'core', uniqueKeys: true, lineCounter: new LineCounter() }),
    3,
  );
  console.log(
    `  ${name.padEnd(24)} ${String(keys).padStart(6)} ${ms(jsonT)}  ${ms(safeT)}  ${`${(safeT / jsonT).toFixed(0)}x`.padStart(6)}  ${ms(ownT)}`,
  );
}
console.log('  (target: the safe reader well under 1000 ms at the cap, whatever the content)');
