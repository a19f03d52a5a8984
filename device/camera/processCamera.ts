import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CameraError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { type Yuv420Layout, yuv420Bytes } from '../../model/image/yuv420.js';
import type { Camera, CameraStats, Frame } from '../ports.js';
import { FrameSlot } from './frameSlot.js';
import { MjpegSplitter } from './mjpegSplitter.js';
import { RawFrameSplitter } from './rawFrameSplitter.js';

export interface ProcessCameraOptions {
  /** `rpicam` or `v4l2`: names the camera in logs. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** What to do when the command is not installed. */
  readonly installHint: string;
  /** No frame for this long once frames flowed: the process is killed and restarted. */
  readonly stallMs: number;
  /** No first frame for this long after a start (a camera stack takes a while to start); default `stallMs`. */
  readonly startMs?: number;
  /** Delays before successive restarts; the last repeats. Reset once frames flow again. */
  readonly backoffMs: readonly number[];
  readonly maxFrameBytes: number;
  /** Raw frames of this layout (rpicam-vid `--codec yuv420`), cut by size; default MJPEG, cut at its markers. */
  readonly raw?: Yuv420Layout;
}

type Ended =
  | {
      readonly kind: 'exited';
      readonly code: number | null;
      readonly signal: string | null;
      readonly frames: number;
      readonly reason: string;
    }
  | { readonly kind: 'missing'; readonly error: Error };

/**
 * A camera process that writes MJPEG, or raw YUV420 frames, to stdout (rpicam-vid, or ffmpeg for V4L2). The same spawning and parsing
 * serve the real tools on a Pi and the fake executables in tests. A process that dies or stalls is restarted with
 * growing delays and each fault is logged; a missing executable is a fatal CameraError saying what to install.
 */
export class ProcessCamera implements Camera {
  readonly stats: CameraStats = { restarts: 0, dropped: 0, garbageBytes: 0, truncated: 0, oversized: 0 };
  private seq = 0;

  constructor(
    private readonly options: ProcessCameraOptions,
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.options.name;
  }

  async *frames(signal?: AbortSignal): AsyncIterable<Frame> {
    const inner = new AbortController();
    const stop = () => inner.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const slot = new FrameSlot();
    const runner = this.run(slot, inner.signal);
    try {
      for (;;) {
        const frame = await slot.take(inner.signal);
        if (!frame) break;
        yield frame;
      }
    } finally {
      this.stats.dropped += slot.dropped;
      inner.abort();
      signal?.removeEventListener('abort', stop);
      await runner;
    }
  }

  private async run(slot: FrameSlot, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const ended = await this.runOnce(slot, signal);
      if (signal.aborted) break;
      if (ended.kind === 'missing') {
        slot.fail(ended.error);
        return;
      }
      failures = ended.frames > 0 ? 1 : failures + 1;
      const delay = this.options.backoffMs[Math.min(failures - 1, this.options.backoffMs.length - 1)] ?? 1000;
      this.stats.restarts++;
      this.log.warn('camera process ended, restarting', {
        camera: this.name,
        reason: ended.reason,
        code: ended.code,
        signal: ended.signal,
        frames: ended.frames,
        restartInMs: delay,
        restarts: this.stats.restarts,
      });
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        break;
      }
    }
    slot.close();
  }

  private runOnce(slot: FrameSlot, signal: AbortSignal): Promise<Ended> {
    return new Promise((resolve) => {
      const raw = this.options.raw;
      const splitter = raw ? new RawFrameSplitter(yuv420Bytes(raw)) : new MjpegSplitter(this.options.maxFrameBytes);
      let child: ChildProcess;
      let frames = 0;
      let reason = 'exited';
      let stderrTail = '';
      try {
        child = spawn(this.options.command, [...this.options.args], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        resolve({ kind: 'missing', error: new CameraError(`cannot start ${this.options.command}: ${String(err)}`, { cause: err }) });
        return;
      }
      let stall: NodeJS.Timeout | undefined;
      const armStall = (ms: number) => {
        clearTimeout(stall);
        stall = setTimeout(() => {
          reason = frames === 0 ? `no first frame within ${ms} ms of the start` : `stalled: no frame for ${ms} ms`;
          child.kill('SIGKILL');
        }, ms);
      };
      const onAbort = () => {
        reason = 'stopped';
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 1000).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      armStall(this.options.startMs ?? this.options.stallMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        for (const data of splitter.push(chunk)) {
          frames++;
          armStall(this.options.stallMs);
          slot.put({ data, timestamp: Date.now(), seq: this.seq++, ...(raw ? { raw } : {}) });
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-400);
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(stall);
        signal.removeEventListener('abort', onAbort);
        if (err.code === 'ENOENT') {
          resolve({
            kind: 'missing',
            error: new CameraError(
              `camera ${this.name}: ${this.options.command} is not installed or not on PATH: ${this.options.installHint}`,
              { cause: err },
            ),
          });
        } else {
          resolve({ kind: 'exited', code: null, signal: null, frames, reason: `spawn failed: ${err.message}` });
        }
      });
      child.on('close', (code, sig) => {
        clearTimeout(stall);
        signal.removeEventListener('abort', onAbort);
        splitter.end();
        Object.assign(this.stats, {
          garbageBytes: this.stats.garbageBytes + splitter.stats.garbageBytes,
          truncated: this.stats.truncated + splitter.stats.truncated,
          oversized: this.stats.oversized + splitter.stats.oversized,
        });
        const tail = stderrTail.trim().split('\n').pop();
        resolve({ kind: 'exited', code, signal: sig, frames, reason: tail && reason === 'exited' ? `exited: ${tail}` : reason });
      });
    });
  }
}
