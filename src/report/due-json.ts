import type { DueReport } from '../engine/due.js';

/** `--format json` of `due`: exactly SPEC §3's object, items in the report's order (by date). */
export function renderDueJson(report: DueReport): string {
  const items = report.items.map((i) => ({
    declaration: i.declaration,
    model: i.model,
    what: i.what,
    ...(i.assessment !== undefined ? { assessment: i.assessment } : {}),
    thresholds: i.thresholds,
    due: i.due,
    state: i.state,
  }));
  return `${JSON.stringify({ items }, null, 2)}\n`;
}
