import type { DueReport, DueState } from '../engine/due.js';
import { STATE_LABEL, todoText, whatText, whenText } from './due-describe.js';

/** Terminal report of `due`: two lines per item (what and when; what to do, where), by date, then a count per state. */
export function renderDueText(report: DueReport, opts: { color: boolean }): string {
  const paint = (code: number, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const colour: Record<DueState, number> = { overdue: 31, due_soon: 33, upcoming: 32 };
  const out: string[] = [];
  for (const item of report.items) {
    out.push(
      `${paint(colour[item.state], STATE_LABEL[item.state].toUpperCase().padEnd(9))} ${item.due}  ${item.model}: ${whatText(item)}, ${whenText(item, report.today)}`,
    );
    out.push(`${' '.repeat(22)}${paint(2, todoText(item))}`);
  }
  if (out.length > 0) out.push('');
  const count = (s: DueState) => report.items.filter((i) => i.state === s).length;
  const n = report.items.length;
  out.push(
    n === 0
      ? `Nothing falls due (as of ${report.today}).`
      : `${n} item${n === 1 ? '' : 's'}: ${count('overdue')} overdue, ${count('due_soon')} due soon (within ${report.within} day${report.within === 1 ? '' : 's'} of ${report.today}), ${count('upcoming')} upcoming`,
  );
  return `${out.join('\n')}\n`;
}
