import { type Command, InvalidArgumentError, Option } from 'commander';
import { EnrollError } from '../common/errors.js';
import type { CameraConfig } from '../device/camera/createCamera.js';

export interface CameraCliOptions {
  camera: 'rpicam' | 'v4l2' | 'replay';
  cameraSource?: string;
  width: number;
  height: number;
  framerate: number;
}

const intIn = (lo: number, hi: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidArgumentError(`a whole number from ${lo} to ${hi} is needed`);
  return n;
};

/** Adds the camera choice to a command: rpicam (Pi camera), v4l2 (USB webcam through ffmpeg), replay (a recording). */
export function addCameraOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--camera <kind>', 'camera kind').choices(['rpicam', 'v4l2', 'replay']).default('rpicam'))
    .option('--camera-source <path>', 'v4l2: the device (default /dev/video0); replay: a folder of images or an MJPEG file')
    .option('--width <px>', 'capture width', intIn(64, 4096), 640)
    .option('--height <px>', 'capture height', intIn(64, 4096), 480)
    .option('--framerate <fps>', 'capture rate', intIn(1, 120), 15);
}

export function cameraConfig(o: CameraCliOptions): CameraConfig {
  const format = { width: o.width, height: o.height, framerate: o.framerate };
  if (o.camera === 'replay') {
    if (!o.cameraSource) throw new EnrollError('user_invalid', '--camera replay needs --camera-source FOLDER_OR_MJPEG_FILE');
    return { kind: 'replay', source: o.cameraSource, framerate: o.framerate, loop: false };
  }
  if (o.camera === 'v4l2') return { kind: 'v4l2', device: o.cameraSource ?? '/dev/video0', ...format };
  return { kind: 'rpicam', ...format };
}

export const secondsOption = (name: string, description: string, dflt: number) =>
  new Option(name, description).argParser(intIn(1, 600)).default(dflt);
