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

const RESTART = { stallMs: 5000, backoffMs: [500, 1000, 2000, 5000, 10000], maxFrameBytes: 8 * 1024 * 1024 } as const;

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
        },
        log.child('camera'),
      );
    case 'replay':
      return new ReplayCamera(config);
  }
}
