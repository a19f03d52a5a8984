import type { Frame } from '../ports.js';

/**
 * A one-frame mailbox between a live source and its consumer: the newest frame wins and older ones are counted as
 * dropped, so a slow consumer always sees the present, never a backlog.
 */
export class FrameSlot {
  dropped = 0;
  private frame: Frame | undefined;
  private error: Error | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  put(frame: Frame): void {
    if (this.frame) this.dropped++;
    this.frame = frame;
    this.notify();
  }

  fail(error: Error): void {
    this.error = error;
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  /** The newest frame, waiting for one; undefined once closed or aborted; throws the source's fatal error. */
  async take(signal?: AbortSignal): Promise<Frame | undefined> {
    for (;;) {
      if (this.frame) {
        const f = this.frame;
        this.frame = undefined;
        return f;
      }
      if (this.error) throw this.error;
      if (this.closed || signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  private notify(): void {
    this.wake?.();
  }
}
