import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CameraError } from '../../common/errors.js';
import type { Camera, CameraStats, Frame } from '../ports.js';
import { MjpegSplitter } from './mjpegSplitter.js';

export interface ReplayOptions {
  /** A folder of images (played in name order) or an MJPEG file. */
  readonly source: string;
  readonly framerate: number;
  /** Start again at the end; otherwise the camera ends after the last frame ("exit when done"). */
  readonly loop: boolean;
}

const IMAGE = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.pgm']);

/**
 * Plays a recording as a camera at a set rate. Unlike a live camera it drops nothing: a slow consumer slows the
 * replay down, so an evaluation sees every frame.
 */
export class ReplayCamera implements Camera {
  readonly name = 'replay';
  /** A recording is never restarted and drops nothing. */
  readonly stats: CameraStats = { restarts: 0, dropped: 0, garbageBytes: 0, truncated: 0, oversized: 0 };
  constructor(private readonly options: ReplayOptions) {}

  async *frames(signal?: AbortSignal): AsyncIterable<Frame> {
    const interval = 1000 / this.options.framerate;
    let seq = 0;
    let next = performance.now();
    do {
      for await (const data of this.recording()) {
        if (signal?.aborted) return;
        const wait = next - performance.now();
        if (wait > 0) {
          try {
            await sleep(wait, undefined, signal ? { signal } : {});
          } catch {
            return;
          }
        }
        next = Math.max(next + interval, performance.now());
        yield { data, timestamp: Date.now(), seq: seq++ };
      }
    } while (this.options.loop && !signal?.aborted);
  }

  private async *recording(): AsyncIterable<Buffer> {
    const { source } = this.options;
    let isDir: boolean;
    try {
      isDir = statSync(source).isDirectory();
    } catch (err) {
      throw new CameraError(`replay source ${source} does not exist: give a folder of images or an MJPEG file`, { cause: err });
    }
    if (isDir) {
      const files = readdirSync(source)
        .filter((f) => IMAGE.has(extname(f).toLowerCase()))
        .sort();
      if (files.length === 0) throw new CameraError(`replay folder ${source} holds no images`);
      for (const f of files) yield readFileSync(join(source, f));
      return;
    }
    const splitter = new MjpegSplitter();
    for await (const chunk of createReadStream(source)) yield* splitter.push(chunk as Buffer);
    splitter.end();
  }
}
