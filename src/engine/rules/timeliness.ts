import { dayNumber } from '../../dates.js';
import type { Timeline } from '../evaluate.js';
import { error, warning, type Finding } from '../../findings.js';
import type { LoadedAssessment } from '../../load/release.js';
import { plural } from './context.js';

/**
 * Evaluations on time: an assessment completed after `due` + grace is late (a warning when the
 * lab acknowledged it as noncompliance); one not completed when the day is past that is overdue.
 */
export function timeliness(
  assessments: Iterable<LoadedAssessment>,
  opts: { today: string; graceDays: number; lateAcknowledged: ReadonlyMap<string, string> },
): { findings: Finding[]; timeline: Timeline[] } {
  const findings: Finding[] = [];
  const timeline: Timeline[] = [];
  const todayN = dayNumber(opts.today);
  const grace = opts.graceDays;
  const graceText = grace > 0 ? ` + ${plural(grace, 'grace day')}` : '';
  for (const a of assessments) {
    const dueN = dayNumber(a.data.due) + grace;
    const completed = a.data.completed ?? null;
    const t: Timeline = {
      id: a.data.id,
      kind: a.data.kind,
      due: a.data.due,
      completed,
      daysLate: 0,
      overdue: false,
      acknowledged: false,
    };
    timeline.push(t);
    if (completed) {
      const late = dayNumber(completed) - dueN;
      if (late <= 0) continue;
      t.daysLate = late;
      const msg = `assessment ${a.data.id} was completed ${completed}, ${plural(late, 'day')} after its due date ${a.data.due}${graceText}`;
      const reason = opts.lateAcknowledged.get(a.data.id);
      if (reason !== undefined) {
        t.acknowledged = true;
        findings.push(
          warning(
            'evaluation.late',
            `${msg}; acknowledged as noncompliance: ${reason}`,
            a.parsed.locate(['completed']),
          ),
        );
      } else {
        findings.push(error('evaluation.late', msg, a.parsed.locate(['completed'])));
      }
    } else if (todayN > dueN) {
      t.overdue = true;
      findings.push(
        error(
          'evaluation.overdue',
          `assessment ${a.data.id} was due ${a.data.due}${graceText} and is not completed (${plural(todayN - dueN, 'day')} overdue)`,
          a.parsed.locate(['due']),
        ),
      );
    }
  }
  return { findings, timeline };
}
