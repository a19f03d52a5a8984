import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { datasetForTests } from '../../test/datasets.js';
import { fakeCameraEnv } from '../../test/fakeCamera.js';
import { parseConfig } from '../config/loadConfig.js';
import type { Frame } from '../ports.js';
import { rpicamArgs } from './cameraArgs.js';
import { createCamera } from './createCamera.js';
import { ProcessCamera } from './processCamera.js';
import { ReplayCamera } from './replayCamera.js';

const nuaa = datasetForTests('nuaa', 'camera adapters streaming real NUAA frames');
const frameDir = () => join(nuaa as string, 'ClientRaw', '0001');
const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

function camera(lines: string[], overrides: Partial<{ stallMs: number; command: string }> = {}) {
  const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  return new ProcessCamera(
    {
      name: 'rpicam',
      command: overrides.command ?? 'rpicam-vid',
      args: rpicamArgs({ width: 640, height: 480, framerate: 30 }),
      installHint: 'sudo apt install rpicam-apps',
      stallMs: overrides.stallMs ?? 2000,
      backoffMs: [50, 100, 200],
      maxFrameBytes: 8 * 1024 * 1024,
    },
    log,
  );
}

async function take(cam: { frames(s?: AbortSignal): AsyncIterable<Frame> }, n: number, timeoutMs = 15_000): Promise<Frame[]> {
  const out: Frame[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const f of cam.frames(signal)) {
    out.push(f);
    if (out.length >= n) break;
  }
  return out;
}

const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;

describe.runIf(nuaa)('ProcessCamera with a spawned rpicam-vid (fake executable on PATH)', () => {
  it('spawns rpicam-vid with the streaming arguments and yields whole JPEG frames', async () => {
    const argsLog = join(mkdtempSync(join(tmpdir(), 'facelock-cam-')), 'args');
    process.env = fakeCameraEnv(frameDir(), 'normal', argsLog);
    const frames = await take(camera([]), 5);
    expect(frames).toHaveLength(5);
    const originals = readdirSync(frameDir())
      .sort()
      .map((f) => readFileSync(join(frameDir(), f)));
    expect(frames.every((f) => isJpeg(f.data) && originals.some((o) => o.equals(f.data)))).toBe(true);
    expect(readFileSync(argsLog, 'utf8').trim()).toBe('-t 0 -n --codec mjpeg --width 640 --height 480 --framerate 30 --flush -o -');
  });

  it('runs a Pi NoIR camera from its config: its tuning file and grey frames, through the same spawn and parsing', async () => {
    const argsLog = join(mkdtempSync(join(tmpdir(), 'facelock-cam-')), 'args');
    process.env = fakeCameraEnv(frameDir(), 'normal', argsLog);
    const tuningFile = '/usr/share/libcamera/ipa/rpi/vc4/imx219_noir.json';
    const config = parseConfig({ camera: { kind: 'rpicam', infrared: true, tuningFile } }, 'test');
    const cam = createCamera(config.camera, createLogger({ level: 'error', write: () => {} }));
    expect(await take(cam, 2)).toHaveLength(2);
    expect(readFileSync(argsLog, 'utf8').trim()).toBe(
      `--tuning-file ${tuningFile} --saturation 0 -t 0 -n --codec yuv420 --width 640 --height 480 --framerate 15 --flush -o -`,
    );
    expect(() => parseConfig({ camera: { kind: 'rpicam', tuningFile: 'imx219_noir.json' } }, 'test')).toThrow(
      /camera\.tuningFile: an absolute path to a libcamera tuning \.json file/,
    );
  });

  it('restarts a camera that dies mid-frame, logs the fault, and keeps delivering whole frames', async () => {
    const lines: string[] = [];
    const argsLog = join(mkdtempSync(join(tmpdir(), 'facelock-cam-')), 'args');
    process.env = fakeCameraEnv(frameDir(), 'die-after:3', argsLog);
    const cam = camera(lines);
    const frames = await take(cam, 10);
    expect(frames).toHaveLength(10);
    expect(frames.every((f) => isJpeg(f.data))).toBe(true);
    expect(readFileSync(argsLog, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(4);
    expect(cam.stats.restarts).toBeGreaterThanOrEqual(3);
    expect(cam.stats.truncated).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.includes('camera process ended, restarting') && l.includes('code=1'))).toBe(true);
  });

  it('skips garbage between frames', async () => {
    process.env = fakeCameraEnv(frameDir(), 'garbage');
    const cam = camera([]);
    const frames = await take(cam, 4);
    expect(frames.every((f) => isJpeg(f.data))).toBe(true);
    expect(cam.stats.garbageBytes).toBeGreaterThan(0);
  });

  it('kills and restarts a camera that stalls', async () => {
    const lines: string[] = [];
    process.env = fakeCameraEnv(frameDir(), 'stall-after:2');
    const cam = camera(lines, { stallMs: 300 });
    const frames = await take(cam, 5);
    expect(frames).toHaveLength(5);
    expect(lines.some((l) => l.includes('stalled: no frame for 300 ms'))).toBe(true);
  });

  it('keeps retrying a camera that exits at once, and a missing executable is a clear fatal error', async () => {
    const lines: string[] = [];
    process.env = fakeCameraEnv(frameDir(), 'exit-at-once');
    const frames = await take(camera(lines), 1, 1500);
    expect(frames).toHaveLength(0);
    expect(lines.some((l) => l.includes('failed to acquire camera'))).toBe(true);
    process.env = fakeCameraEnv(frameDir());
    await expect(take(camera([], { command: 'rpicam-vid-not-installed' }), 1)).rejects.toThrow(
      /not installed or not on PATH: sudo apt install rpicam-apps/,
    );
  });
});

describe.runIf(nuaa)('rpicam-vid raw YUV420 frames (the fake emits them as the Pi does)', () => {
  it('streams raw YUV420 frames cut by size (the default), recovers from a camera killed mid-frame, and refuses a width the ISP would pad', async () => {
    const argsLog = join(mkdtempSync(join(tmpdir(), 'facelock-cam-')), 'args');
    process.env = fakeCameraEnv(frameDir(), 'die-after:3', argsLog);
    const config = parseConfig({ camera: { kind: 'rpicam', width: 320, height: 240, framerate: 30 } }, 'test');
    const cam = createCamera(config.camera, createLogger({ level: 'error', write: () => {} }));
    const frames = await take(cam, 8);
    expect(frames).toHaveLength(8);
    expect(frames.every((f) => f.raw?.format === 'yuv420' && f.data.length === 320 * 240 * 1.5)).toBe(true);
    // every frame is a picture, not a shifted stream: its Y plane is the scene's luma (NUAA frames are mid-grey faces)
    const meanY = (f: Frame) => f.data.subarray(0, 320 * 240).reduce((a, v) => a + v, 0) / (320 * 240);
    const first = meanY(frames[0] as Frame);
    expect(frames.every((f) => Math.abs(meanY(f) - first) < 25)).toBe(true);
    expect((cam as ProcessCamera).stats.truncated).toBeGreaterThanOrEqual(2);
    expect(readFileSync(argsLog, 'utf8').trim().split('\n')[0]).toBe(
      '-t 0 -n --codec yuv420 --width 320 --height 240 --framerate 30 --flush -o -',
    );
    expect(() => parseConfig({ camera: { kind: 'rpicam', width: 600, height: 480 } }, 'test')).toThrow(
      /camera\.width: with format yuv420 the width must be a multiple of 64 .*: 576 is the nearest, or use format mjpeg/,
    );
    expect(parseConfig({ camera: { kind: 'rpicam', width: 600, height: 480, format: 'mjpeg' } }, 'test').camera).toMatchObject({
      width: 600,
    });
  });
});

describe.runIf(nuaa)('the v4l2 camera (ffmpeg spawned from PATH: the same fake)', () => {
  it('spawns ffmpeg reading the webcam MJPEG without re-encoding and yields whole frames', async () => {
    const argsLog = join(mkdtempSync(join(tmpdir(), 'facelock-v4l2-')), 'args');
    process.env = fakeCameraEnv(frameDir(), 'normal', argsLog);
    const { createCamera } = await import('./createCamera.js');
    const cam = createCamera(
      { kind: 'v4l2', device: '/dev/video2', width: 640, height: 480, framerate: 30 },
      createLogger({ level: 'silent', write: () => {} }),
    );
    const frames = await take(cam, 3);
    expect(frames.every((f) => isJpeg(f.data))).toBe(true);
    expect(readFileSync(argsLog, 'utf8').trim()).toBe(
      '-hide_banner -loglevel error -f v4l2 -input_format mjpeg -video_size 640x480 -framerate 30 -i /dev/video2 -c:v copy -f mjpeg -',
    );
  });
});

describe.runIf(nuaa)('ReplayCamera', () => {
  it('plays a folder at the set rate and ends after the last frame', async () => {
    const dir = frameDir();
    const n = readdirSync(dir).length;
    const started = performance.now();
    const frames = await take(new ReplayCamera({ source: dir, framerate: 200, loop: false }), 10_000);
    expect(frames).toHaveLength(n);
    expect(performance.now() - started).toBeGreaterThanOrEqual(((n - 1) * 1000) / 200 - 5);
  });

  it('loops a folder in name order, pass after pass, the same frames each time', async () => {
    const dir = frameDir();
    const names = readdirSync(dir).sort();
    const frames = await take(new ReplayCamera({ source: dir, framerate: 500, loop: true }), 2 * names.length + 1);
    frames.forEach((f, i) => {
      expect(f.data.equals(readFileSync(join(dir, names[i % names.length] as string))), `frame ${i}`).toBe(true);
      expect(f.seq).toBe(i);
    });
  });
});
