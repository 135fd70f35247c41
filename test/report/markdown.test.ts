import { describe, expect, it } from 'vitest';

describe('markdown report', () => {
  it('user text cannot break a table, inject HTML or the gantt', async () => {
    const { renderMarkdown, cell, gantt } = await import('../../src/report/markdown.js');
    expect(cell('a|b\n<script>x</script> & c')).toBe('a\\|b &lt;script&gt;x&lt;/script&gt; &amp; c');
    const md = renderMarkdown(
      {
        verdict: 'fail',
        releases: [
          {
            declaration: 'releases/x/asl.yml',
            model: 'evil|model<img src=x>',
            declared: { deployment: 'ASL-3' },
            required: { deployment: 'ASL-3' },
            verdict: 'fail',
            findings: [],
            approvalRequired: true,
            noncompliance: [],
            timeline: [
              {
                id: 'a:b#c\n  section injected',
                kind: 'comprehensive',
                due: '2026-11-15',
                completed: '2026-11-18',
                daysLate: 3,
                overdue: false,
                acknowledged: false,
              },
            ],
          },
        ],
        findings: [
          {
            code: 'evaluation.late',
            severity: 'error',
            message: 'late | <b>',
            file: 'releases/x/a.yml',
            line: 6,
            column: 12,
          },
        ],
      },
      '2026-11-28',
    );
    expect(md).toContain('| evil\\|model&lt;img src=x&gt; |');
    expect(md).toContain('late \\| &lt;b&gt;');
    expect(md).toContain('  section a_b_c_  section injected\n');
    expect(md).toContain('3 days late : crit, 2026-11-15, 2026-11-18');
    expect(md).not.toContain('<img');
    // Mermaid names keep letters, digits, space, `.`, `_` and `-`, each other UTF-16 unit becomes
    // `_`, and they stop at 60 units.
    const named = (model: string) =>
      gantt(
        {
          declaration: 'r/asl.yml',
          model,
          verdict: 'pass',
          findings: [],
          approvalRequired: false,
          noncompliance: [],
          timeline: [],
        },
        '2026-11-28',
      );
    expect(named('é😀 a.b_c-d/e')).toContain('  title ___ a.b_c-d_e: evaluations');
    expect(named(`${'x'.repeat(59)}😀tail`)).toContain(`  title ${'x'.repeat(59)}_: evaluations`);
    expect(named('')).toContain('  title _: evaluations');
  });
});
