import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { findDrift } from '../coverage/drift.js';
import type { DoorCounters } from '../door/doorService.js';
import type { DoorStatus } from '../status/doorStatus.js';
import type { AuditLog } from '../store/auditLog.js';
import type { Notifier } from '../systemd/sdNotify.js';

const DAY_MS = 86_400_000;

/** Retention and drift: once now, then every hour (purging a day's worth at a time is plenty). Returns the stopper. */
export function startUpkeep(config: Readonly<FacelockConfig>, audit: AuditLog, status: DoorStatus, log: Logger): () => void {
  const upkeep = () => {
    try {
      const now = Date.now();
      const purged =
        audit.purgeBefore(new Date(now - config.retention.days * DAY_MS).toISOString()) +
        audit.purgeFramesBefore(new Date(now - config.retention.frameDays * DAY_MS).toISOString());
      if (purged > 0) log.info('retention: old attempts and events deleted', { rows: purged, days: config.retention.days });
      const window = (config.drift.recentDays + config.drift.referenceDays) * DAY_MS;
      const drift = findDrift(audit.attemptsSince(new Date(now - window).toISOString()), now, config.drift);
      status.driftWarnings = drift.map((d) => d.warning);
      for (const d of drift) log.warn(`drift: ${d.warning}`);
    } catch (err) {
      log.error('retention or drift check failed', { error: describeError(err) });
    }
  };
  upkeep();
  const timer = setInterval(upkeep, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** systemd's STATUS every 10 s and, once a minute, the numbers that show a leak (memory flat over a long run). */
export function startHealthReports(counters: DoorCounters, notify: Notifier, tensors: () => number, log: Logger): () => void {
  let ticks = 0;
  const timer = setInterval(() => {
    notify.status(`frames ${counters.frames}, unlocks ${counters.unlocks}, rejects ${counters.rejects}`);
    if (++ticks % 6 === 0)
      log.info('health', { frames: counters.frames, rssMb: Math.round(process.memoryUsage().rss / 1048576), tensors: tensors() });
  }, 10_000);
  timer.unref();
  return () => clearInterval(timer);
}
