import type { SplitterStats } from './mjpegSplitter.js';

/**
 * Cuts a stream of raw frames of one size (rpicam-vid `--codec yuv420`) into frames. Raw video has no markers: a
 * pipe loses no bytes, so within one process every `frameBytes` bytes are one frame; what can go wrong is the end:
 * a process killed mid-frame leaves a partial frame, dropped and counted as truncated when the stream ends (the next
 * process starts on a frame boundary again).
 */
export class RawFrameSplitter {
  readonly stats: SplitterStats = { frames: 0, garbageBytes: 0, truncated: 0, oversized: 0 };
  /** The frame being filled: handed over whole when full (one copy of the bytes, from the pipe's chunk into it). */
  private pending: Buffer;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new Error(`a raw frame size must be a positive integer, not ${frameBytes}`);
    this.pending = Buffer.allocUnsafe(frameBytes);
  }

  /** Feeds bytes; returns the frames they complete (each its own buffer, safe to keep). */
  push(chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - at);
      this.pending.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.frameBytes) {
        out.push(this.pending);
        this.pending = Buffer.allocUnsafe(this.frameBytes);
        this.filled = 0;
        this.stats.frames++;
      }
    }
    return out;
  }

  /** The stream ended: a partial frame is dropped and counted. */
  end(): void {
    if (this.filled > 0) {
      this.stats.truncated++;
      this.stats.garbageBytes += this.filled;
      this.filled = 0;
    }
  }
}
