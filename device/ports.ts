import type { Yuv420Layout } from '../model/image/yuv420.js';
/** One camera frame: an encoded image (JPEG) and when it arrived. */
export interface Frame {
  /** A JPEG, or with `raw` the frame's raw pixels in that layout. */
  readonly data: Buffer;
  /** Raw frames (rpicam-vid `--codec yuv420`): their layout; absent for JPEG frames. */
  readonly raw?: Yuv420Layout;
  /** Milliseconds since the epoch when the frame was received. */
  readonly timestamp: number;
  /** Counts frames from 0 for the life of the camera object. */
  readonly seq: number;
}

/**
 * A camera. `frames()` yields until the signal aborts (or, for a finite recording, until it ends). A live camera
 * yields the newest frame when the consumer is ready and drops older ones; it restarts its source after faults.
 */
export interface Camera {
  readonly name: string;
  /** What the camera counted so far (the status interface and the health lines read it). */
  readonly stats: Readonly<CameraStats>;
  frames(signal?: AbortSignal): AsyncIterable<Frame>;
}

/** A camera's counts: source restarts after faults, frames dropped for a slow consumer, bytes the splitter threw away. */
export interface CameraStats {
  restarts: number;
  dropped: number;
  garbageBytes: number;
  truncated: number;
  oversized: number;
}

/** The lock relay. "Energised = unlocked", for electric strikes and maglocks alike. */
export interface Lock {
  readonly name: string;
  /** Energise the relay (unlocked). */
  unlock(): Promise<void>;
  /** De-energise the relay (locked). Must be safe to call at any time, any number of times. */
  lock(): Promise<void>;
  /** Drive inactive and let the hardware go (shutdown). */
  close?(): Promise<void>;
}

/** Something that happened at the door's inputs (door contact, exit button, enclosure tamper switch). */
export interface InputEvent {
  /** tamper: the enclosure switch opened; tamper_cleared: it closed again. */
  readonly kind: 'door_closed' | 'door_opened' | 'exit_button' | 'tamper' | 'tamper_cleared';
  readonly at: number;
}

/** The door's inputs, debounced by the adapter. */
export interface Inputs {
  readonly name: string;
  events(signal?: AbortSignal): AsyncIterable<InputEvent>;
}
