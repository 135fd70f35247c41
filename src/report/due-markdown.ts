import { addDays, dayNumber } from '../dates.js';
import type { DueItem, DueReport, DueState } from '../engine/due.js';
import { STATE_LABEL, whatText, whenText } from './due-describe.js';
import { cell, mermaidName } from './markdown.js';

/** Days ahead the gantt shows. */
export const GANTT_DAYS = 90;

const STATE_CELL: Record<DueState, string> = {
  overdue: `❌ ${STATE_LABEL.overdue}`,
  due_soon: `⚠️ ${STATE_LABEL.due_soon}`,
  upcoming: STATE_LABEL.upcoming,
};

/**
 * What falls due as Markdown: a table of every item and a Mermaid gantt of the next 90 days, due
 * dates as milestones, overdue ones `crit`. The CLI's `--format markdown`; the Action reuses it for
 * its job summary and its due issue.
 */
export function renderDueMarkdown(report: DueReport): string {
  const out: string[] = [`## What falls due (as of ${report.today})`, ''];
  const count = (s: DueState) => report.items.filter((i) => i.state === s).length;
  if (report.items.length === 0) out.push('Nothing falls due.', '');
  else {
    out.push(
      `${count('overdue')} overdue, ${count('due_soon')} due soon (within ${report.within} days), ${count('upcoming')} upcoming.`,
      '',
    );
    out.push('| Due | State | Model | What | When | File to update |', '|---|---|---|---|---|---|');
    for (const i of report.items) {
      out.push(
        `| ${i.due} | ${STATE_CELL[i.state]} | ${cell(i.model)} | ${cell(whatText(i))} | ${cell(whenText(i, report.today))} | \`${cell(i.file)}\` |`,
      );
    }
    out.push('');
    const chart = dueGantt(report);
    if (chart) out.push(chart, '');
    else out.push(`Nothing falls due in the next ${GANTT_DAYS} days.`, '');
  }
  if (report.unread.length > 0) {
    out.push(
      `⚠️ Due dates may be missing: ${report.unread.map((u) => cell(u.declaration)).join(', ')} could not be read in full (run \`asl-gate check\`).`,
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** A Mermaid gantt of the items due in the next 90 days and of every overdue one, one section per model; '' when none. */
export function dueGantt(report: DueReport): string {
  const end = addDays(report.today, GANTT_DAYS);
  const shown = report.items.filter((i) => i.state === 'overdue' || dayNumber(i.due) <= dayNumber(end));
  if (shown.length === 0) return '';
  const lines = [
    '```mermaid',
    'gantt',
    `  title What falls due, ${report.today} to ${end}`,
    '  dateFormat YYYY-MM-DD',
    '  axisFormat %Y-%m-%d',
  ];
  const byModel = new Map<string, DueItem[]>();
  for (const i of shown) byModel.set(i.model, [...(byModel.get(i.model) ?? []), i]);
  for (const [model, items] of byModel) {
    lines.push(`  section ${mermaidName(model)}`);
    for (const i of items) {
      const name = i.what === 'assessment' ? `assessment ${i.assessment}` : `comprehensive ${i.thresholds.join(' ')}`;
      lines.push(`  ${mermaidName(name)} : ${i.state === 'overdue' ? 'crit, ' : ''}milestone, ${i.due}, 0d`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}
