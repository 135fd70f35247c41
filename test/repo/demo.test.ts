// `npm run demo` (its script) must play the whole release flow, and must fail when a step does not.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo.js';

function demo(env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
      env: { PATH: process.env.PATH, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run demo', () => {
  it('plays the release from a late evaluation to two green checks, signed by the CEO and the RSO, on two App replicas', async () => {
    const { code, out } = await demo();
    expect(out).toContain('✔ the gate fails on evaluation.late');
    expect(out).toContain('✔ refused, with the reason');
    expect(out).toContain('✔ the RSO alone is not enough: still waiting for the CEO');
    expect(out).toContain('Signed off for ac4d222 by @ceo-amodei (ceo), @rso-kaplan (rso)');
    expect(out).toContain('✔ both replicas agree: same check, one comment');
    expect(out).toContain('"ASL gate: main" success, "RSO approval: main" success');
    expect(out).not.toContain('UNEXPECTED');
    expect(code).toBe(0);
  });

  it('exits 1 when a step misbehaves (here: the approver is not the configured RSO)', async () => {
    const { code, out } = await demo({ ASL_GATE_DEMO_RSO: 'impostor' });
    expect(out).toContain('✘ UNEXPECTED: approved for this SHA');
    expect(code).toBe(1);
  });
});
