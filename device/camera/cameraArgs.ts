/** Capture size and rate shared by the camera kinds. */
export interface CaptureFormat {
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
}

/** What an infrared (Pi NoIR) camera needs on top of the capture format. */
export interface RpicamOptions {
  /** Grey frames: colour is meaningless under an infrared illuminator. */
  readonly infrared?: boolean;
  /** libcamera's tuning file for the sensor (the NoIR modules have their own). */
  readonly tuningFile?: string | undefined;
  /** mjpeg: the Pi encodes every frame and facelock decodes it; yuv420: raw frames (the Y plane is the grey picture). */
  readonly format?: 'mjpeg' | 'yuv420';
}

/** rpicam-vid streaming MJPEG (or raw YUV420) to stdout until killed; `--flush` so each frame leaves at once. */
export function rpicamArgs(f: CaptureFormat, o: RpicamOptions = {}): string[] {
  return [
    ...(o.tuningFile ? ['--tuning-file', o.tuningFile] : []),
    ...(o.infrared ? ['--saturation', '0'] : []),
    '-t',
    '0',
    '-n',
    '--codec',
    o.format ?? 'mjpeg',
    '--width',
    String(f.width),
    '--height',
    String(f.height),
    '--framerate',
    String(f.framerate),
    '--flush',
    '-o',
    '-',
  ];
}

/** ffmpeg reading a V4L2 webcam's own MJPEG and copying it to stdout (no re-encoding). */
export function v4l2Args(device: string, f: CaptureFormat): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'v4l2',
    '-input_format',
    'mjpeg',
    '-video_size',
    `${f.width}x${f.height}`,
    '-framerate',
    String(f.framerate),
    '-i',
    device,
    '-c:v',
    'copy',
    '-f',
    'mjpeg',
    '-',
  ];
}
