import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addMonths,
  addMonthsToInstant,
  dayNumber,
  isoInstant,
  localDate,
  parseInstant,
  weekday,
} from './time.js';

describe('calendar arithmetic', () => {
  it('rejects dates that do not exist', () => {
    expect(dayNumber('2023-02-29')).toBeUndefined();
    expect(dayNumber('2024-02-29')).toBeDefined();
    expect(dayNumber('2024-13-01')).toBeUndefined();
    expect(dayNumber('2024-4-01')).toBeUndefined();
  });

  it('leap day plus 12 months is 1 March; other month ends overflow the same way', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-03-01');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2024-01-31', 1)).toBe('2024-03-01');
    expect(addMonths('2023-01-31', 1)).toBe('2023-03-01');
    expect(addMonths('2024-03-10', 12)).toBe('2025-03-10');
    expect(addMonths('2025-03-10', -12)).toBe('2024-03-10');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
  });

  it('Astana (UTC+5) and UTC are on different dates between 19:00 and 24:00 UTC', () => {
    const at = Date.UTC(2025, 2, 9, 19, 30);
    expect(localDate(at, 0)).toBe('2025-03-09');
    expect(localDate(at, 300)).toBe('2025-03-10');
    expect(localDate(Date.UTC(2025, 2, 9, 18, 59), 300)).toBe('2025-03-09');
  });

  it('business days skip weekends and never count the start day', () => {
    expect(weekday('2025-06-06')).toBe(5); // Friday
    expect(addBusinessDays('2025-06-06', 1)).toBe('2025-06-09');
    expect(addBusinessDays('2025-06-06', 4)).toBe('2025-06-12');
    expect(addBusinessDays('2025-06-07', 1)).toBe('2025-06-09'); // Saturday → Monday
    expect(addBusinessDays('2025-06-02', 4)).toBe('2025-06-06');
  });

  it('instants: calendar months keep the time of day; ISO instants need a zone', () => {
    const at = Date.UTC(2024, 1, 29, 23, 0);
    expect(isoInstant(addMonthsToInstant(at, 36))).toBe('2027-03-01T23:00:00.000Z');
    expect(parseInstant('2025-01-01T10:00:00Z')).toBe(Date.UTC(2025, 0, 1, 10));
    expect(parseInstant('2025-01-01T15:00:00+05:00')).toBe(Date.UTC(2025, 0, 1, 10));
    expect(parseInstant('2025-01-01T10:00:00')).toBeUndefined();
    expect(parseInstant('yesterday')).toBeUndefined();
  });
});
