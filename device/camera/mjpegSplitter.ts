/** What the splitter threw away, for the camera's fault log. */
export interface SplitterStats {
  frames: number;
  /** Bytes outside any frame (noise between frames, a stream that starts mid-frame). */
  garbageBytes: number;
  /** Frames cut short: the stream ended, or a new frame began, before their end marker. */
  truncated: number;
  /** Frames larger than the limit, dropped whole. */
  oversized: number;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/**
 * Splits a stream of concatenated JPEGs (MJPEG from rpicam-vid or ffmpeg) into frames. It walks the JPEG marker
 * segments up to the scan and then the entropy-coded data to the end marker, so an FFD9 inside an EXIF thumbnail
 * does not end a frame early. Garbage between frames is skipped, a frame that breaks off is dropped when the next
 * one starts, and a frame over `maxFrameBytes` is dropped without being held in memory whole.
 */
export class MjpegSplitter {
  readonly stats: SplitterStats = { frames: 0, garbageBytes: 0, truncated: 0, oversized: 0 };
  private buf: Buffer = Buffer.allocUnsafe(1 << 20);
  /** Largest the internal buffer has been, in bytes (memory stays bounded by the frame limit). */
  get capacity(): number {
    return this.buf.length;
  }
  /** Unconsumed bytes are buf[off, off + len); consuming moves `off`, and the buffer is compacted once per push. */
  private off = 0;
  private len = 0;
  private moved = 0;
  /** Bytes moved inside the buffer so far: at most about twice what was pushed (the splitter runs in linear time). */
  get bytesMoved(): number {
    return this.moved;
  }
  /** Inside a frame (which starts at `off`): where parsing resumes (relative to `off`), and whether that is entropy-coded data. */
  private inFrame = false;
  private pos = 0;
  private inScan = false;
  /** Bytes of an oversized frame still being skipped until its end marker or the next frame. */
  private skipping = false;

  constructor(private readonly maxFrameBytes = 8 * 1024 * 1024) {}

  /** Feeds bytes; returns the complete frames they finished (copies, safe to keep). */
  push(chunk: Uint8Array): Buffer[] {
    this.append(chunk);
    const out: Buffer[] = [];
    for (;;) {
      if (!this.inFrame && !this.findStart()) break;
      const end = this.scan();
      if (end === 'more') {
        if (this.len > this.maxFrameBytes) this.dropOversized();
        break;
      }
      if (end === 'restart') continue;
      if (this.skipping) this.skipping = false;
      else {
        out.push(Buffer.from(this.buf.subarray(this.off, this.off + end)));
        this.stats.frames++;
      }
      this.consume(end);
    }
    this.compact();
    return out;
  }

  /** The stream ended: a frame in progress is counted as truncated. */
  end(): void {
    if (this.inFrame && !this.skipping) this.stats.truncated++;
    this.off = 0;
    this.len = 0;
    this.inFrame = false;
  }

  private append(chunk: Uint8Array): void {
    this.compact();
    if (this.len + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** Moves the unconsumed bytes to the front of the buffer (once per push, not once per marker). */
  private compact(): void {
    if (this.off === 0) return;
    this.buf.copy(this.buf, 0, this.off, this.off + this.len);
    this.moved += this.len;
    this.off = 0;
  }

  private consume(n: number): void {
    this.off += n;
    this.len -= n;
    this.inFrame = false;
  }

  /** Moves to the next start-of-image marker, counting what is skipped; false when there is none yet. */
  private findStart(): boolean {
    const o = this.off;
    for (let i = 0; i + 1 < this.len; i++) {
      if (this.buf[o + i] === 0xff && this.buf[o + i + 1] === SOI) {
        this.stats.garbageBytes += i;
        this.consume(i);
        this.inFrame = true;
        this.pos = 2;
        this.inScan = false;
        return true;
      }
    }
    // keep a trailing 0xFF: it may be the first half of a marker
    const keep = this.len > 0 && this.buf[o + this.len - 1] === 0xff ? 1 : 0;
    this.stats.garbageBytes += this.len - keep;
    this.consume(this.len - keep);
    return false;
  }

  /** Parses from `pos`: the frame's length when its end marker is found, 'more' to wait, 'restart' after a resync. */
  private scan(): number | 'more' | 'restart' {
    // the unconsumed bytes as a view: every index below is relative to the frame's start
    const b = this.buf.subarray(this.off, this.off + this.len);
    while (this.pos < this.len) {
      if (this.inScan) {
        const ff = b.indexOf(0xff, this.pos);
        if (ff < 0 || ff + 1 >= this.len) {
          this.pos = ff < 0 ? this.len : ff;
          return 'more';
        }
        const next = b[ff + 1] ?? 0;
        if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
          this.pos = ff + 1;
          continue;
        }
        if (next === EOI) return ff + 2;
        if (next === SOI) return this.restartAt(ff);
        this.inScan = false; // another segment (progressive JPEG: DHT, SOS...)
        this.pos = ff;
        continue;
      }
      if (this.pos + 1 >= this.len) return 'more';
      if (b[this.pos] !== 0xff) return this.restartAt(this.nextStart(this.pos));
      const marker = b[this.pos + 1] ?? 0;
      if (marker === 0xff) {
        this.pos++;
        continue;
      }
      if (marker === SOI) return this.restartAt(this.pos);
      if (marker === EOI) return this.pos + 2;
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        this.pos += 2;
        continue;
      }
      if (this.pos + 3 >= this.len) return 'more';
      const length = b.readUInt16BE(this.pos + 2);
      if (length < 2) return this.restartAt(this.nextStart(this.pos));
      this.pos += 2 + length;
      if (this.pos > this.len) {
        this.pos -= 2 + length;
        return 'more';
      }
      if (marker === SOS) this.inScan = true;
    }
    return 'more';
  }

  /** The frame broke off where another begins (or is corrupt): drop it and continue from `at` (or wait). */
  private restartAt(at: number): 'restart' {
    if (!this.skipping) this.stats.truncated++;
    this.skipping = false;
    this.consume(at < 0 ? this.len : at);
    return 'restart';
  }

  private nextStart(from: number): number {
    const o = this.off;
    for (let i = from; i + 1 < this.len; i++) if (this.buf[o + i] === 0xff && this.buf[o + i + 1] === SOI) return i;
    return -1;
  }

  /** Over the limit: count the frame once, free its bytes, and keep skipping until it ends or another starts. */
  private dropOversized(): void {
    if (!this.skipping) this.stats.oversized++;
    this.skipping = true;
    // keep only the last byte (a marker may straddle the cut) and go on parsing from there
    const last = this.buf[this.off + this.len - 1] ?? 0;
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(1 << 20);
    this.buf[0] = last;
    this.off = 0;
    this.len = 1;
    this.pos = 0;
  }
}
