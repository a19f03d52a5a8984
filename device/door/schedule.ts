import { WEEKDAYS, type Weekday } from '../config/configSchema.js';

/** A weekly window in which a user may open the door, in the device's local time. */
export interface ScheduleRule {
  readonly days: readonly Weekday[];
  /** 'HH:MM', inclusive. */
  readonly from: string;
  /** 'HH:MM', exclusive; earlier than `from` means the window runs past midnight. */
  readonly to: string;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * Whether `date` falls in one of the rules; a user without rules may always enter. A window past midnight belongs
 * to the day it starts on.
 */
export function withinSchedule(rules: readonly ScheduleRule[] | undefined, date: Date): boolean {
  if (!rules || rules.length === 0) return true;
  const t = date.getHours() * 60 + date.getMinutes();
  const today = WEEKDAYS[date.getDay()] as Weekday;
  const yesterday = WEEKDAYS[(date.getDay() + 6) % 7] as Weekday;
  return rules.some((r) => {
    const from = minutes(r.from);
    const to = minutes(r.to);
    if (from <= to) return r.days.includes(today) && t >= from && t < to;
    return (r.days.includes(today) && t >= from) || (r.days.includes(yesterday) && t < to);
  });
}
