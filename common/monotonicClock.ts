import { readFileSync } from 'node:fs';

/**
 * The system's monotonic clock in milliseconds (CLOCK_MONOTONIC through libuv): it never steps when the wall clock is
 * set, and it is one clock for every process of a boot, so a deadline written by one daemon run holds for the next.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

let cachedBootId: string | null | undefined;

/**
 * This boot's identity (Linux `/proc/sys/kernel/random/boot_id`), or null where the system has none: a monotonic
 * deadline is meaningful only within the boot it was taken in.
 */
export function bootId(): string | null {
  if (cachedBootId !== undefined) return cachedBootId;
  try {
    cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    cachedBootId = null;
  }
  return cachedBootId;
}
