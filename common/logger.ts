/** A namespaced logger. Messages may be given lazily as functions so debug lines cost nothing when off. */
export interface Logger {
  debug(message: string | (() => string), fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(namespace: string): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function formatValue(value: string | number | boolean | null | undefined): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  if (typeof value === 'string' && /[\s="]/.test(value)) return JSON.stringify(value);
  return String(value);
}

export function formatLine(level: LogLevel, namespace: string, message: string, fields?: LogFields): string {
  const parts = [`${level.toUpperCase()} ${namespace}: ${message}`];
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

/** Writes one line per message to `write` (stdout for journald in the daemon, stderr in CLI commands). */
export function createLogger(options: {
  level: LogLevel;
  write: (line: string) => void;
  namespace?: string;
  /** Called for every error, whatever the level: the daemon writes faults to the audit log through it. */
  onError?: (namespace: string, message: string, fields?: LogFields) => void;
}): Logger {
  const ns = options.namespace ?? 'facelock';
  const enabled = (level: LogLevel) => rank[level] >= rank[options.level];
  const emit = (level: LogLevel, message: string, fields?: LogFields) => {
    if (enabled(level)) options.write(formatLine(level, ns, message, fields));
    if (level === 'error') options.onError?.(ns, message, fields);
  };
  return {
    debug: (message, fields) => {
      if (enabled('debug')) emit('debug', typeof message === 'function' ? message() : message, fields);
    },
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (namespace) => createLogger({ ...options, namespace: `${ns}:${namespace}` }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent', write: () => {} });
