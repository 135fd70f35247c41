// Dates of SPEC §1/§2: real calendar days on or after 2000-01-01; years 0000-0099 never read as 19xx.
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, fromDayNumber, isIsoDate } from '../../src/dates.js';
import { SCHEMAS } from '../../src/load/schemas/index.js';

describe('dates', () => {
  it('accepts real days from 2000-01-01 and refuses earlier ones', () => {
    expect(['2000-01-01', '2024-02-29', '2026-12-01', '9999-12-31'].filter(isIsoDate)).toHaveLength(4);
    expect(
      ['1999-12-31', '0099-01-01', '0000-01-01', '1970-01-01', '2026-02-30', '2100-02-29'].filter(isIsoDate),
    ).toEqual([]);
  });

  it('day numbers are exact for every year, 0000-0099 included', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-01-01')).toBe(10_957);
    expect(dayNumber('0099-12-31') - dayNumber('0099-12-30')).toBe(1);
    expect(dayNumber('0050-01-01')).toBeLessThan(dayNumber('1950-01-01'));
    expect(fromDayNumber(dayNumber('0050-03-01'))).toBe('0050-03-01');
  });

  it('the schema says which rule a date breaks', () => {
    const due = (d: string) => {
      const r = SCHEMAS.assessment.safeParse({ id: 'a', kind: 'comprehensive', thresholds: [], due: d });
      return r.success ? 'ok' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(due('2026-02-30')).toBe('expected a real calendar date');
    expect(due('1999-12-31')).toBe('expected a date on or after 2000-01-01');
    expect(due('0099-01-01')).toBe('expected a date on or after 2000-01-01');
    expect(due('2000-01-01')).toBe('ok');
  });
});

describe('dates', () => {
  it('accepts real calendar days only', () => {
    for (const d of ['2026-12-01', '2024-02-29', '2000-02-29', '2026-01-31']) expect(isIsoDate(d), d).toBe(true);
    for (const d of [
      '2026-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-01',
      '2026/01/01',
      '26-01-01',
      '2026-01-001',
      '2026-01-00',
      'abcd-ef-gh',
    ])
      expect(isIsoDate(d), d).toBe(false);
  });
  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});
