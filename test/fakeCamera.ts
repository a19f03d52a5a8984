import { join } from 'node:path';
import { projectRoot } from '../common/projectRoot.js';

/** The folder of fake hardware tools (rpicam-vid, ...) that tests put first on PATH. */
export const FAKES_BIN = join(projectRoot(), 'test', 'fakes', 'bin');

/** An environment whose PATH finds the fakes first, with the fake camera's settings. */
export function fakeCameraEnv(frames: string, mode = 'normal', log?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`,
    FAKE_CAMERA_FRAMES: frames,
    FAKE_CAMERA_MODE: mode,
    ...(log ? { FAKE_CAMERA_LOG: log } : {}),
  };
}
