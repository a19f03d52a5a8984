import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { datasetDir } from '../../common/datasets.js';
import { projectRoot } from '../../common/projectRoot.js';
import { decodeFrame } from '../../device/camera/decodeFrame.js';
import { parseConfig } from '../../device/config/loadConfig.js';
import { buildDoorPipeline } from '../../device/pipeline/buildDoorPipeline.js';
import type { DoorTemplate, FrameProgress } from '../../device/pipeline/doorStages.js';
import { FaceTracker } from '../../device/pipeline/faceTracker.js';
import type { Frame } from '../../device/ports.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import { CAMERA_DECODE_LIMITS, decodeImage } from '../../model/image/decodeImage.js';
import { lumaThumbnail, rgbToYuv420, type Yuv420Layout, yuv420ToRgb } from '../../model/image/yuv420.js';
import { summary } from './stats.js';

const FAKES_BIN = join(projectRoot(), 'test', 'fakes', 'bin');

/**
 * Frame-to-decision time of the daemon's own stages (motion -> ... -> match) over moving real frames, against the
 * engine alone on the same frames: what the loop adds.
 */
export async function loopLatency(engine: FaceEngine, files: readonly string[], rounds: number, format: 'jpeg' | 'yuv420' = 'jpeg') {
  const frames: Omit<Frame, 'timestamp' | 'seq'>[] =
    format === 'jpeg' ? files.map((f) => ({ data: readFileSync(f) })) : await Promise.all(files.map((f) => rawFrameOf(f)));
  const config = parseConfig({ motion: { holdMs: 60_000 } }, 'bench');
  const first = await decodeFrame({ ...(frames[0] as Frame), seq: 0, timestamp: 0 }, 'bench');
  const face = (await engine.analyze(first, { maxFaces: 1 })).faces[0];
  const templates: DoorTemplate[] = face?.embedding ? [{ userId: 1, userName: 'bench', embedding: face.embedding }] : [];
  const pipeline = buildDoorPipeline(engine, config, () => templates, { colour: 0.94, grey: 0.94, greyCamera: false });
  const loop: number[] = [];
  const engineOnly: number[] = [];
  let seq = 0;
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      const t = performance.now();
      const frame: Frame = { ...f, timestamp: Date.now(), seq: seq++ };
      const outcome = await pipeline.run({ frame });
      const seen: FrameProgress = outcome.value;
      if (seen.face) loop.push(performance.now() - t);
      if (!outcome.ok && outcome.reason === 'no_motion') continue;
      const t2 = performance.now();
      await engine.analyze(await decodeFrame(frame, 'bench'), {
        maxFaces: 1,
        liveness: true,
      });
      engineOnly.push(performance.now() - t2);
    }
  }
  const l = summary(loop);
  const e = summary(engineOnly);
  return {
    frames: l.n,
    frameToDecisionMs: { median: l.median, p95: l.p95 },
    engineMs: { median: e.median, p95: e.p95 },
    fps: 1000 / l.median,
  };
}

export interface ApproachOptions {
  /** engine.trackFrames: 0 is the detector on every frame. */
  readonly trackFrames: number;
  readonly format: 'jpeg' | 'yuv420';
  readonly clients: number;
  readonly perSession: number;
  /** The clients' printed photos (NUAA ImposterRaw) instead of the clients: what tracking does to an attack. */
  readonly attack?: boolean;
}

/** A NUAA client's frames of one session (ClientRaw or ImposterRaw), in picture order. */
function nuaaSession(nuaa: string, kind: 'ClientRaw' | 'ImposterRaw', client: string, session: string): string[] {
  const dir = join(nuaa, kind, client);
  return readdirSync(dir)
    .filter((f) => f.split('_')[3] === session)
    .sort((a, b) => Number(a.split('_')[4]?.replace('.jpg', '')) - Number(b.split('_')[4]?.replace('.jpg', '')))
    .map((f) => join(dir, f));
}

/**
 * Frame-to-decision of an approach as the door sees it: NUAA sessions (a person in front of a webcam, or a printed
 * photo of them, frames in order; NUAA keeps one in three, so the face moves more between frames than at 15 fps), 15
 * fps timestamps, the person enrolled from a live frame of their other session, the door's stages with
 * `engine.trackFrames`, an accepted frame's face (matched and live by the texture model) kept as the door service keeps
 * it. Every frame counted, tracked or not; the shares of frames followed without the detector and accepted.
 */
export async function approachLatency(engine: FaceEngine, o: ApproachOptions) {
  const nuaa = datasetDir('nuaa');
  if (!nuaa) throw new Error('nuaa-train is not on this machine (set FACELOCK_DATASETS)');
  const config = parseConfig({ motion: { holdMs: 60_000 }, engine: { trackFrames: o.trackFrames } }, 'bench');
  const times: number[] = [];
  const byHow = { tracked: [] as number[], detected: [] as number[] };
  const stages: Record<string, number[]> = {};
  let accepted = 0;
  for (const client of readdirSync(join(nuaa, 'ClientRaw')).sort().slice(0, o.clients)) {
    const enrolFrom = nuaaSession(nuaa, 'ClientRaw', client, '02')[0];
    if (!enrolFrom) continue;
    const enrolled = (await engine.analyze(await decodeImage(readFileSync(enrolFrom), enrolFrom), { maxFaces: 1 })).faces[0];
    if (!enrolled?.embedding) continue;
    const templates: DoorTemplate[] = [{ userId: 1, userName: client, embedding: enrolled.embedding }];
    const tracker = new FaceTracker(config.engine);
    const thresholds = { colour: 0.42, grey: 0.46, greyCamera: false };
    const pipeline = buildDoorPipeline(engine, config, () => templates, thresholds, Date.now, undefined, tracker);
    const files = nuaaSession(nuaa, o.attack ? 'ImposterRaw' : 'ClientRaw', client, '01').slice(0, o.perSession);
    const frames = o.format === 'jpeg' ? files.map((f) => ({ data: readFileSync(f) })) : await Promise.all(files.map((f) => rawFrameOf(f)));
    let at = Date.now();
    for (const [seq, f] of frames.entries()) {
      at += 66;
      const t = performance.now();
      const outcome = await pipeline.run({ frame: { ...f, timestamp: at, seq } });
      const took = performance.now() - t;
      times.push(took);
      byHow[outcome.value.face?.tracked ? 'tracked' : 'detected'].push(took);
      // the door service keeps the face of a frame it accepts (matched and live) for the next frames
      if (outcome.ok && outcome.value.liveness >= engine.liveThreshold) {
        tracker.keep(outcome.value.face, at);
        accepted++;
      }
      for (const [stage, v] of Object.entries(outcome.timings)) {
        const kept = stages[stage] ?? [];
        kept.push(v);
        stages[stage] = kept;
      }
    }
  }
  const s = summary(times);
  return {
    frames: s.n,
    median: s.median,
    p95: s.p95,
    /** Each stage's median, ms. */
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summary(v).median])),
    /** Medians of the frames followed without the detector, and of the detected ones, ms. */
    trackedMs: summary(byHow.tracked).median,
    detectedMs: summary(byHow.detected).median,
    trackedShare: byHow.tracked.length / Math.max(1, s.n),
    acceptedShare: accepted / Math.max(1, s.n),
  };
}

/** A JPEG as rpicam-vid would give it raw: cropped to even sides, as I420. */
async function rawFrameOf(file: string): Promise<Omit<Frame, 'timestamp' | 'seq'>> {
  const rgb = await decodeImage(readFileSync(file), file);
  const even = { width: rgb.width & ~1, height: rgb.height & ~1 };
  const data = new Uint8Array(even.width * even.height * 3);
  for (let y = 0; y < even.height; y++)
    data.set(rgb.data.subarray(y * rgb.width * 3, y * rgb.width * 3 + even.width * 3), y * even.width * 3);
  return { data: Buffer.from(rgbToYuv420({ ...even, data })), raw: { format: 'yuv420', ...even } };
}

/**
 * The motion gate's picture and the full picture of one 640x480 camera frame, per format: a JPEG (shrink-on-load
 * thumbnail and a full decode, both by sharp) against raw YUV420 (the Y plane averaged down, and the RGB
 * conversion): what `camera.format` changes on the door's side, in ms per frame.
 */
export async function frameFormatCost(files: readonly string[], rounds: number) {
  const jpegs = files.map((f) => readFileSync(f));
  const raws = await Promise.all(files.map((f) => rawFrameOf(f)));
  const t = { jpegThumb: [] as number[], jpegDecode: [] as number[], yuvThumb: [] as number[], yuvDecode: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const [i, data] of jpegs.entries()) {
      let at = performance.now();
      await sharp(data, { failOn: 'none' }).resize({ width: 64 }).greyscale().raw().toBuffer();
      t.jpegThumb.push(performance.now() - at);
      at = performance.now();
      await decodeImage(data, 'bench', CAMERA_DECODE_LIMITS);
      t.jpegDecode.push(performance.now() - at);
      const raw = raws[i] as Frame;
      at = performance.now();
      lumaThumbnail(raw.data, raw.raw as Yuv420Layout, 64);
      t.yuvThumb.push(performance.now() - at);
      at = performance.now();
      yuv420ToRgb(raw.data, raw.raw as Yuv420Layout);
      t.yuvDecode.push(performance.now() - at);
    }
  }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, summary(v)])) as Record<keyof typeof t, ReturnType<typeof summary>>;
}

function procStat(pid: number): { cpuTicks: number; rssKb: number; peakKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
  return { cpuTicks, rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

/**
 * `facelock run` as a child process watching a static 640x480 scene at 15 fps (a NUAA frame, replayed in a loop):
 * CPU time per wall second over the window after start-up, RSS at the window's start and end, and the daemon's peak
 * RSS since it started (VmHWM: model load and the first approach, a face seen on the static scene, included).
 */
export async function idleCpu(
  seconds: number,
  idleEvery = 8,
  engine: { readonly detector: string; readonly embedder: string; readonly runtime: string } = {
    detector: 'blazeface',
    embedder: 'faceplugin',
    runtime: 'onnxruntime',
  },
  camera: 'replay-jpeg' | 'rpicam-yuv420' = 'replay-jpeg',
): Promise<{ cpuPercentOfOneCore: number; rssStartMb: number; rssEndMb: number; peakRssMb: number; seconds: number }> {
  const nuaa = datasetDir('nuaa');
  if (!nuaa) throw new Error('nuaa-train is not on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'facelock-idle-'));
  try {
    const cli = join(projectRoot(), 'dist', 'cli', 'facelock.js');
    const frameDir = join(dir, 'still');
    mkdirSync(frameDir);
    const clientDir = join(nuaa, 'ClientRaw', '0002');
    symlinkSync(join(clientDir, readdirSync(clientDir).sort()[0] as string), join(frameDir, 'still.jpg'));
    spawnSync(process.execPath, [cli, '--key-file', join(dir, 'key'), 'key', 'init']);
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\ncamera: ${camera === 'replay-jpeg' ? `{ kind: replay, source: ${frameDir}, framerate: 15, loop: true }` : '{ kind: rpicam, format: yuv420, framerate: 15 }'}\nlock: { driver: sim }\nlogLevel: warn\nstatus: { port: 0 }\nmotion: { idleEvery: ${idleEvery} }\nengine: { detector: ${engine.detector}, embedder: ${engine.embedder}, runtime: ${engine.runtime} }\n`,
      { mode: 0o600 },
    );
    // rpicam-yuv420: the fake rpicam-vid of the tests streams the scene raw (its own CPU is its process's, not the door's)
    const env =
      camera === 'replay-jpeg'
        ? process.env
        : { ...process.env, PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`, FAKE_CAMERA_FRAMES: frameDir };
    const child = spawn(process.execPath, [cli, 'run', '--config', config], { stdio: 'ignore', env });
    const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    await sleep(10_000); // model load, the first frames' hold period and the garbage collection after it
    const pid = child.pid as number;
    const a = procStat(pid);
    const t = performance.now();
    await sleep(seconds * 1000);
    const b = procStat(pid);
    const wall = (performance.now() - t) / 1000;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('close', resolve));
    return {
      cpuPercentOfOneCore: ((b.cpuTicks - a.cpuTicks) / tick / wall) * 100,
      rssStartMb: a.rssKb / 1024,
      rssEndMb: b.rssKb / 1024,
      peakRssMb: b.peakKb / 1024,
      seconds: wall,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
