import { createRequire } from 'node:module';
import type { Logger } from '../../common/logger.js';

/** systemd's notify protocol: readiness, status text, watchdog keep-alives, stopping. */
export interface Notifier {
  ready(status: string): void;
  status(text: string): void;
  stopping(): void;
  /** Sends WATCHDOG=1 every half of WATCHDOG_USEC while `progress()` keeps changing. */
  startWatchdog(progress: () => number, onPing?: () => void): void;
  close(): void;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

const silent: Notifier = { ready() {}, status() {}, stopping() {}, startWatchdog() {}, close() {} };

/**
 * A notifier on $NOTIFY_SOCKET through `unix-dgram` (Node's dgram cannot send to a unix datagram socket); a no-op
 * outside systemd. A send that fails is logged, never fatal.
 */
export function createNotifier(env: NodeJS.ProcessEnv, log: Logger): Notifier {
  const path = env.NOTIFY_SOCKET;
  if (!path) return silent;
  if (path.startsWith('@')) {
    log.warn('NOTIFY_SOCKET is an abstract socket, which unix-dgram cannot address: no sd_notify', { socket: path });
    return silent;
  }
  const { createSocket } = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
  const socket = createSocket('unix_dgram');
  socket.on('error', (err) => log.warn('sd_notify failed', { error: err.message }));
  const send = (text: string) => {
    const buf = Buffer.from(text);
    socket.send(buf, 0, buf.length, path, (err) => {
      if (err) log.warn('sd_notify failed', { error: err.message });
    });
  };
  let timer: NodeJS.Timeout | undefined;
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
  return {
    ready: (status) => send(`READY=1\nSTATUS=${status}`),
    status: (text) => send(`STATUS=${text}`),
    stopping: () => send('STOPPING=1'),
    startWatchdog(progress, onPing) {
      if (!(usec > 0) || !forUs) return;
      let last = Number.NaN;
      timer = setInterval(() => {
        const now = progress();
        if (now !== last) {
          send('WATCHDOG=1');
          onPing?.();
        } else log.warn('no frame since the last watchdog ping: not pinging, so systemd restarts a hung daemon');
        last = now;
      }, usec / 2000);
      timer.unref();
    },
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}
