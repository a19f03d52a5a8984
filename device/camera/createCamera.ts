import type { Logger } from '../../common/logger.js';
import type { Camera } from '../ports.js';
import { type CaptureFormat, type RpicamOptions, rpicamArgs, v4l2Args } from './cameraArgs.js';
import { ProcessCamera } from './processCamera.js';
import { ReplayCamera } from './replayCamera.js';

/** Which camera, keyed on `kind`. */
export type CameraConfig =
  | ({ readonly kind: 'rpicam' } & CaptureFormat & RpicamOptions)
  | ({ readonly kind: 'v4l2'; readonly device: string } & CaptureFormat)
  | { readonly kind: 'replay'; readonly source: string; readonly framerate: number; readonly loop: boolean };

/**
 * Restarts: a camera whose frames stop for 4 frame intervals (at least 1.5 s) is killed and started again after 0.5 s
 * (longer after starts that gave no frame), so a stalled camera is back within about 3 s; a start has 5 s for its
 * first frame (rpicam-vid takes about a second).
 */
const RESTART = { startMs: 5000, backoffMs: [500, 1000, 2000, 5000, 10000], maxFrameBytes: 8 * 1024 * 1024 } as const;
const stallMs = (framerate: number) => Math.max(1500, Math.round(4000 / framerate));

/** Builds the camera adapter for a config; only composition roots call this. */
export function createCamera(config: CameraConfig, log: Logger): Camera {
  switch (config.kind) {
    case 'rpicam':
      return new ProcessCamera(
        {
          name: 'rpicam',
          command: 'rpicam-vid',
          args: rpicamArgs(config, config),
          installHint: 'install rpicam-apps (sudo apt install rpicam-apps), or use camera kind v4l2 or replay',
          ...RESTART,
          stallMs: stallMs(config.framerate),
          ...(config.format === 'yuv420' ? { raw: { format: 'yuv420', width: config.width, height: config.height } as const } : {}),
        },
        log.child('camera'),
      );
    case 'v4l2':
      return new ProcessCamera(
        {
          name: 'v4l2',
          command: 'ffmpeg',
          args: v4l2Args(config.device, config),
          installHint: 'install ffmpeg (sudo apt install ffmpeg)',
          ...RESTART,
          stallMs: stallMs(config.framerate),
        },
        log.child('camera'),
      );
    case 'replay':
      return new ReplayCamera(config);
  }
}
