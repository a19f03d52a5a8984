import { describe, expect, it } from 'vitest';
import { withinSchedule } from './schedule.js';

// 2026-11-25 is a Wednesday
const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, day, hh, mm);

describe('withinSchedule', () => {
  const weekdays = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '07:00', to: '19:00' }];

  it('lets users without rules in at any time', () => {
    expect(withinSchedule(undefined, at(29, 3))).toBe(true);
  });

  it('admits inside the window only: from inclusive, to exclusive, on the listed days', () => {
    expect(withinSchedule(weekdays, at(25, 7, 0))).toBe(true);
    expect(withinSchedule(weekdays, at(25, 18, 59))).toBe(true);
    expect(withinSchedule(weekdays, at(25, 19, 0))).toBe(false);
    expect(withinSchedule(weekdays, at(25, 6, 59))).toBe(false);
    expect(withinSchedule(weekdays, at(29, 12))).toBe(false); // Sunday
  });

  it('handles a window past midnight as part of the day it starts on', () => {
    const night = [{ days: ['fri'] as const, from: '22:00', to: '06:00' }];
    expect(withinSchedule(night, at(27, 23))).toBe(true); // Friday 23:00
    expect(withinSchedule(night, at(28, 5, 59))).toBe(true); // Saturday 05:59, Friday's window
    expect(withinSchedule(night, at(28, 23))).toBe(false); // Saturday night: not listed
    expect(withinSchedule(night, at(27, 5))).toBe(false); // Friday 05:00 belongs to Thursday's window
  });
});
