import { addDays } from '../dates.js';
import type { DueItem, DueReport } from '../engine/due.js';
import { todoText, whatText, whenText, whyText } from './due-describe.js';

/**
 * `--format ics` of `due`: an iCalendar file (RFC 5545) with one all-day event per item.
 *
 * Written here rather than with the `ics` package: `ics` folds lines at 75 characters where
 * RFC 5545 §3.1 says 75 octets (a line of non-ASCII text comes out twice as long), and it would
 * bring a schema library into the CLI bundle for what is a dozen lines of text.
 */
export function renderDueIcs(report: DueReport, opts: { stamp?: Date } = {}): string {
  // DTSTAMP: when this file was made; the day judged, at midnight UTC, unless the caller knows better.
  const stamp = icsDateTime(opts.stamp ?? new Date(`${report.today}T00:00:00Z`));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//asl-gate//due//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:asl-gate: what falls due',
  ];
  for (const item of report.items) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${dueUid(item)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${icsDate(item.due)}`,
      `DTEND;VALUE=DATE:${icsDate(addDays(item.due, 1))}`,
      `SUMMARY:${text(`${item.state === 'overdue' ? 'OVERDUE: ' : ''}${item.model}: ${whatText(item)}`)}`,
      `DESCRIPTION:${text(description(item, report.today))}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  // With no item the calendar has no component, which RFC 5545's grammar does not strictly allow;
  // parsers accept it (ical.js does, in the tests), and a feed that empties must still be served.
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/**
 * The event's UID: from what the item is (declaration, kind, assessment id or thresholds), never
 * from its date or the day judged, so that a calendar re-importing the file updates the event.
 */
export function dueUid(item: DueItem): string {
  const what =
    item.what === 'assessment'
      ? `assessment\u0000${item.assessment}`
      : `comprehensive\u0000${item.thresholds.join(',')}`;
  // Loaded here: most runs never make a calendar (see rolldown.config.mjs on builtin imports).
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `${createHash('sha256').update(`${item.declaration}\u0000${what}`).digest('hex').slice(0, 32)}@asl-gate.due`;
}

function description(item: DueItem, today: string): string {
  const why = whyText(item);
  return [
    `Model: ${item.model}`,
    `Thresholds: ${item.thresholds.join(', ') || '(none)'}`,
    `Due: ${item.due} (${whenText(item, today)} as of ${today})`,
    ...(why ? [`Why: ${why}`] : []),
    `To do: ${todoText(item)}`,
    `Release: ${item.declaration}`,
  ].join('\n');
}

const icsDate = (day: string) => day.replaceAll('-', '');
const icsDateTime = (d: Date) => `${d.toISOString().slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`;

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped; other control characters dropped. */
function text(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === ';' || ch === ',') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if ((c < 32 && c !== 9) || c === 127) continue;
    else out += ch;
  }
  return out;
}

const encoder = new TextEncoder();

/** Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence; a continuation starts with a space. */
function fold(line: string): string {
  if (line.length <= 75 && encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (octets + n > limit) {
      parts.push(part);
      part = '';
      octets = 0;
      limit = 74; // the leading space counts
    }
    part += ch;
    octets += n;
  }
  parts.push(part);
  return parts.join('\r\n ');
}
