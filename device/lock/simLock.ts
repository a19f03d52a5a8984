import { appendFileSync } from 'node:fs';
import type { Logger } from '../../common/logger.js';
import type { Lock } from '../ports.js';

/** One recorded relay transition. */
export interface Transition {
  readonly at: number;
  readonly state: 'locked' | 'unlocked';
}

/**
 * The lock for machines without GPIO: records every transition with its time, in memory, in the log and, when a file
 * is given, as JSON lines appended to it (what tests and the hardware-free demo read).
 */
export class SimLock implements Lock {
  readonly name = 'sim';
  readonly transitions: Transition[] = [];

  constructor(
    private readonly log: Logger,
    private readonly file?: string,
  ) {}

  async unlock(): Promise<void> {
    this.record('unlocked');
  }

  async lock(): Promise<void> {
    this.record('locked');
  }

  private record(state: Transition['state']): void {
    const t = { at: Date.now(), state };
    this.transitions.push(t);
    this.log.info(`relay ${state}`, { driver: 'sim' });
    if (this.file) appendFileSync(this.file, `${JSON.stringify(t)}\n`);
  }
}
