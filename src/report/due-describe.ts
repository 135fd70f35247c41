import { daysUntil, type DueItem, type DueState } from '../engine/due.js';

/** The wording of a due item, shared by the text, Markdown and iCalendar renderers. */

/** "1 day", "3 days". */
export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export const STATE_LABEL: Record<DueState, string> = { overdue: 'overdue', due_soon: 'due soon', upcoming: 'upcoming' };

/** "assessment cbrn-2027-05 (CBRN-3, CBRN-4)" or "comprehensive assessment of CBRN-3, CBRN-4". */
export function whatText(item: DueItem): string {
  const thresholds = item.thresholds.join(', ');
  if (item.what === 'assessment') return `assessment ${item.assessment}${thresholds ? ` (${thresholds})` : ''}`;
  return `comprehensive assessment of ${thresholds}`;
}

/** When, relative to `today`: "in 3 days", "due today", "2 days past due, grace until …", "overdue by 1 day". */
export function whenText(item: DueItem, today: string): string {
  const left = daysUntil(item.due, today);
  if (item.state === 'overdue') return `overdue by ${days(-daysUntil(item.lastDay, today))}`;
  if (left < 0) return `${days(-left)} past due, grace until ${item.lastDay}`;
  if (left === 0) return 'due today';
  return `in ${days(left)}`;
}

/** Why a comprehensive assessment is due on its day; empty for an assessment. */
export function whyText(item: DueItem): string {
  if (item.what !== 'comprehensive') return '';
  if (item.reason === 'none_completed')
    return 'no completed comprehensive assessment covers them; the release needs one by its release_date';
  if (item.reason === 'compute')
    return "effective compute reached the policy's multiple; the release needs a new one by its release_date";
  if (item.after) return `the policy's interval since ${item.after.assessment}, completed ${item.after.completed}`;
  return "the policy's cadence";
}

/** What to do, and in which file. */
export function todoText(item: DueItem): string {
  if (item.what === 'assessment') return `complete it and set completed: in ${item.file}`;
  return `add a comprehensive assessment covering ${item.thresholds.join(', ')} and list it under assessments: in ${item.file}`;
}
