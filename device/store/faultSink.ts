import { formatLine, type LogFields } from '../../common/logger.js';
import type { EventRecord } from './auditLog.js';

/**
 * Faults for the audit log. Errors logged before the store is open are held (up to a limit) and written once it is;
 * a failure to write one is reported on the log's own channel, never re-logged as an error (no loop).
 */
export class FaultSink {
  private pending: EventRecord[] = [];
  private write: ((e: EventRecord) => void) | undefined;
  private onWriteError: (err: unknown) => void = () => {};
  private writing = false;

  add(source: string, message: string, fields?: LogFields): void {
    const e: EventRecord = { at: new Date().toISOString(), kind: 'fault', source, detail: formatLine('error', source, message, fields) };
    if (!this.write) {
      if (this.pending.length < 100) this.pending.push(e);
      return;
    }
    this.emit(e);
  }

  attach(write: (e: EventRecord) => void, onWriteError: (err: unknown) => void): void {
    this.write = write;
    this.onWriteError = onWriteError;
    const held = this.pending;
    this.pending = [];
    for (const e of held) this.emit(e);
  }

  detach(): void {
    this.write = undefined;
  }

  private emit(e: EventRecord): void {
    if (this.writing) return; // an error raised while writing a fault is not written again
    this.writing = true;
    try {
      this.write?.(e);
    } catch (err) {
      this.onWriteError(err);
    } finally {
      this.writing = false;
    }
  }
}
