import type { CheckReport } from '../engine/check.js';

/** The SPEC §3 `--format json` object (plus optional fields: approval_required, noncompliance, timeline). */
export function toJson(report: CheckReport): object {
  return {
    verdict: report.verdict,
    releases: report.releases.map((r) => ({
      declaration: r.declaration,
      model: r.model ?? null,
      declared: r.declared ?? null,
      required: r.required ?? null,
      verdict: r.verdict,
      findings: r.findings,
      approval_required: r.approvalRequired,
      noncompliance: r.noncompliance,
      timeline: r.timeline,
    })),
    findings: report.findings,
  };
}

export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(toJson(report), null, 2)}\n`;
}
