import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { monotonicMs } from '../../common/monotonicClock.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { LockoutPolicy } from '../door/lockoutPolicy.js';
import { CodeAttempts, DEFAULT_CODE_ATTEMPTS } from '../mqtt/codeAttempts.js';
import type { TemplateStore } from '../store/templateStore.js';
import type { ThrottleSnapshot } from '../store/throttleStore.js';

/**
 * The face lockout and the wrong-code throttle as the database last had them, so a restart keeps both. A write that
 * fails (a full disk) is logged and the lockout holds in memory; the door stays as locked as before.
 */
export function restoreThrottles(store: TemplateStore, config: Readonly<FacelockConfig>, log: Logger) {
  const throttles = store.throttles();
  const persist = (name: string) => (s: ThrottleSnapshot) => {
    try {
      throttles.save(name, s);
    } catch (err) {
      log.error('cannot keep the lockout count in the database: it holds until the daemon stops', {
        throttle: name,
        error: describeError(err),
      });
    }
  };
  const face = throttles.load('face');
  const code = throttles.load('code');
  const now = monotonicMs();
  const lockout = new LockoutPolicy(config.lock, face, persist('face'));
  for (const [name, s] of [
    ['face', face],
    ['code', code],
  ] as const)
    if (s.failures > 0)
      log.warn('lockout count restored from the database', {
        throttle: name,
        failures: s.failures,
        remainingSeconds: s.untilMono === null ? 0 : Math.max(0, Math.ceil((s.untilMono - now) / 1000)),
      });
  return { lockout, codes: new CodeAttempts(DEFAULT_CODE_ATTEMPTS, code, persist('code')) };
}
