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
/** At most this much of a looping folder replay is kept in memory between passes. */
const KEEP_BYTES = 16 * 1024 * 1024;

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

  private listing: string[] | undefined;
  /** A looping replay of a small folder keeps its frames after the first pass instead of reading them again. */
  private kept: Buffer[] | undefined;

  private async *recording(): AsyncIterable<Buffer> {
    const { source } = this.options;
    this.listing ??= this.list(source);
    if (this.kept) {
      yield* this.kept;
      return;
    }
    if (this.listing.length > 0) {
      const pass: Buffer[] = [];
      let bytes = 0;
      for (const f of this.listing) {
        const data = readFileSync(join(source, f));
        bytes += data.length;
        if (this.options.loop && bytes <= KEEP_BYTES) pass.push(data);
        yield data;
      }
      if (this.options.loop && bytes <= KEEP_BYTES) this.kept = pass;
      return;
    }
    const splitter = new MjpegSplitter();
    for await (const chunk of createReadStream(source)) yield* splitter.push(chunk as Buffer);
    splitter.end();
  }

  /** The images of a folder in name order, read once (a looping replay does not list it again every pass); [] for a file. */
  private list(source: string): string[] {
    let isDir: boolean;
    try {
      isDir = statSync(source).isDirectory();
    } catch (err) {
      throw new CameraError(`replay source ${source} does not exist: give a folder of images or an MJPEG file`, { cause: err });
    }
    if (!isDir) return [];
    const files = readdirSync(source)
      .filter((f) => IMAGE.has(extname(f).toLowerCase()))
      .sort();
    if (files.length === 0) throw new CameraError(`replay folder ${source} holds no images`);
    return files;
  }
}
