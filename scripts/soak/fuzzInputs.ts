import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FacelockError } from '../../common/errors.js';
import { randomIndex, seededRandom } from '../../common/seededRandom.js';
import { MjpegSplitter } from '../../device/camera/mjpegSplitter.js';
import { loadConfigFile } from '../../device/config/loadConfig.js';
import { CAMERA_DECODE_LIMITS, decodeImage } from '../../model/image/decodeImage.js';
import { mutate, mutateText, seededBytes } from './mutations.js';
import { createDoor, fakeEnv, freePort, jsonLines, type PhaseResult, type SoakDoor, sleep, startDaemon, timesOf } from './soakWorld.js';

export interface FuzzCounts {
  readonly jpeg: number;
  readonly mjpeg: number;
  readonly configs: number;
  readonly mqtt: number;
  /** Mutated frames replayed through the daemon, as files and as an MJPEG stream. */
  readonly daemonFrames: number;
}

const HANG_MS = 10_000;

/**
 * Mutated JPEGs (decoded as the camera path decodes them), MJPEG streams (split in random chunks), configs (loaded
 * as `facelock run` loads them), frames and streams replayed through the real daemon, and MQTT payloads sent to it
 * through a real broker. Nothing may crash, hang or open the door; bad input is refused with the project's errors.
 */
export async function fuzzInputs(o: FuzzCounts & { seed: number }): Promise<PhaseResult> {
  const random = seededRandom(o.seed);
  const door = await createDoor('fuzz');
  const broken: string[] = [];
  try {
    const photos = [...files(door.stranger), ...files(door.laura)].map((f) => readFileSync(f));
    const strangers = files(door.stranger).map((f) => readFileSync(f));
    const jpeg = await fuzzJpeg(o.jpeg, photos, random, broken);
    const mjpeg = fuzzMjpeg(o.mjpeg, photos, random, broken);
    const configs = fuzzConfigs(o.configs, door, random, broken);
    const replayed = await fuzzDaemonReplay(o.daemonFrames, strangers, door, random, broken);
    const mqtt = await fuzzMqtt(o.mqtt, door, random, broken);
    return {
      phase: 'mutated JPEGs, MJPEG streams, configs and MQTT payloads',
      counts: {
        jpeg: o.jpeg,
        jpegDecoded: jpeg.decoded,
        jpegRefused: jpeg.refused,
        mjpeg: o.mjpeg,
        mjpegFrames: mjpeg.frames,
        configs: o.configs,
        configsAccepted: configs.accepted,
        daemonFrames: replayed,
        mqtt,
        total: o.jpeg + o.mjpeg + o.configs + replayed + mqtt,
      },
      times: { jpegDecodeMs: timesOf(jpeg.ms), mjpegStreamMs: timesOf(mjpeg.ms) },
      broken,
    };
  } finally {
    door.cleanup();
  }
}

const files = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((f) => join(dir, f));

async function fuzzJpeg(n: number, photos: Buffer[], random: () => number, broken: string[]) {
  let decoded = 0;
  let refused = 0;
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = mutate(photos[randomIndex(random, photos.length)] as Buffer, random);
    const t = performance.now();
    try {
      const img = await decodeImage(bytes, `mutation ${i}`, CAMERA_DECODE_LIMITS);
      if (img.data.length !== img.width * img.height * 3)
        broken.push(`jpeg ${i}: decoded ${img.width}x${img.height} with ${img.data.length} bytes`);
      decoded++;
    } catch (err) {
      if (err instanceof FacelockError) refused++;
      else broken.push(`jpeg ${i}: not a clear refusal: ${String(err)}`);
    }
    ms.push(performance.now() - t);
    if ((ms.at(-1) as number) > HANG_MS) broken.push(`jpeg ${i}: took ${Math.round(ms.at(-1) as number)} ms`);
  }
  return { decoded, refused, ms };
}

function fuzzMjpeg(n: number, photos: Buffer[], random: () => number, broken: string[]) {
  let frames = 0;
  const ms: number[] = [];
  const max = 512 * 1024;
  for (let i = 0; i < n; i++) {
    const parts: Buffer[] = [];
    for (let k = 0; k < 2 + randomIndex(random, 6); k++) {
      if (random() < 0.3) parts.push(seededBytes(random, randomIndex(random, 2048)));
      parts.push(
        random() < 0.7
          ? mutate(photos[randomIndex(random, photos.length)] as Buffer, random)
          : (photos[randomIndex(random, photos.length)] as Buffer),
      );
    }
    if (random() < 0.1) parts.push(Buffer.alloc(max + 1000, 0xd8).fill(0xff, 0, 2)); // an endless frame: over the limit
    const stream = Buffer.concat(parts);
    const splitter = new MjpegSplitter(max);
    const t = performance.now();
    try {
      for (let at = 0; at < stream.length; ) {
        const size = 1 + randomIndex(random, random() < 0.5 ? 64 : 65_536);
        for (const f of splitter.push(stream.subarray(at, at + size))) {
          frames++;
          if (f[0] !== 0xff || f[1] !== 0xd8 || f.length > max)
            broken.push(`mjpeg ${i}: a frame of ${f.length} bytes starting ${f.subarray(0, 2).toString('hex')}`);
        }
        at += size;
      }
      splitter.end();
      if (splitter.bytesMoved > 3 * stream.length + 4 * 1024 * 1024)
        broken.push(`mjpeg ${i}: moved ${splitter.bytesMoved} bytes for ${stream.length} (not linear)`);
    } catch (err) {
      broken.push(`mjpeg ${i}: ${String(err)}`);
    }
    ms.push(performance.now() - t);
  }
  return { frames, ms };
}

const BASE_CONFIG = `camera: { kind: replay, source: /tmp/frames, framerate: 5 }
decision: { k: 3, n: 5, windowMs: 3000, targetFar: 0.0001 }
lock: { driver: sim, line: GPIO17, activeLow: false, unlockMs: 3000, maxUnlockMs: 10000, maxFailures: 5, lockoutMs: 30000, attemptSliceMs: 3000 }
inputs: { driver: gpiod, doorContact: GPIO22, exitButton: GPIO23, tamper: GPIO24, activeLow: true, debounceMs: 50 }
motion: { pixelThreshold: 25, minChangedFraction: 0.01, holdMs: 3000, idleEvery: 8 }
liveness: { model: texture, active: optional }
engine: { detector: blazeface, embedder: faceplugin, runtime: onnxruntime }
mqtt: { url: 'mqtt://127.0.0.1:1883', deviceId: frontdoor }
schedules:
  laura: [{ days: [mon, tue], from: '08:00', to: '18:00' }]
`;

function fuzzConfigs(n: number, door: SoakDoor, random: () => number, broken: string[]) {
  let accepted = 0;
  const file = join(door.dir, 'fuzz.yaml');
  for (let i = 0; i < n; i++) {
    writeFileSync(file, mutateText(BASE_CONFIG, random), { mode: 0o600 });
    try {
      const c = loadConfigFile(file, { required: true });
      if (c.lock.unlockMs > c.lock.maxUnlockMs || c.decision.k > c.decision.n) broken.push(`config ${i}: accepted out of bounds`);
      accepted++;
    } catch (err) {
      if (!(err instanceof ConfigError)) broken.push(`config ${i}: not a ConfigError: ${String(err)}`);
    }
  }
  return { accepted };
}

/** Mutated strangers' frames through the daemon: a folder of files and one MJPEG stream. Returns the frames sent. */
async function fuzzDaemonReplay(n: number, strangers: Buffer[], door: SoakDoor, random: () => number, broken: string[]): Promise<number> {
  const folder = join(door.dir, 'mutated');
  mkdirSync(folder);
  const stream: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const frame = mutate(strangers[randomIndex(random, strangers.length)] as Buffer, random);
    if (i % 2 === 0) writeFileSync(join(folder, `f${String(i).padStart(6, '0')}.jpg`), frame);
    else stream.push(frame, random() < 0.2 ? seededBytes(random, randomIndex(random, 512)) : Buffer.alloc(0));
  }
  writeFileSync(join(door.dir, 'mutated.mjpeg'), Buffer.concat(stream));
  for (const [name, source] of [
    ['files', folder],
    ['stream', join(door.dir, 'mutated.mjpeg')],
  ] as const) {
    const lockFile = join(door.dir, `fuzz-${name}.lock.jsonl`);
    const config = door.config(
      `fuzz-${name}`,
      `camera: { kind: replay, source: ${source}, framerate: 30 }\nmotion: { holdMs: 0 }\nlock: { driver: sim, simFile: ${lockFile} }\nstatus: { port: 0 }\n`,
    );
    const daemon = startDaemon(config, process.env);
    const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 60_000 + n * 200);
    const end = await daemon.exited;
    clearTimeout(timer);
    if (end.code !== 0) broken.push(`daemon on mutated ${name}: ended with ${end.code ?? end.signal}: ${daemon.output().slice(-1500)}`);
    if (jsonLines<{ state: string }>(lockFile).some((t) => t.state === 'unlocked'))
      broken.push(`daemon on mutated ${name}: the door opened`);
    // the frames reached the door: the shutdown line counts them (a folder's unreadable files are skipped, logged)
    const seen = Number(/stopped frames=(\d+)/.exec(daemon.output())?.[1] ?? -1);
    if (seen < 1) broken.push(`daemon on mutated ${name}: no frame reached the door (${seen})`);
  }
  return n;
}

/** Mutated remote commands (none with the right code) through mosquitto to a daemon with remote commands on. */
async function fuzzMqtt(n: number, door: SoakDoor, random: () => number, broken: string[]): Promise<number> {
  const { startBroker } = await import('./broker.js');
  const broker = await startBroker(door.dir);
  if (!broker) {
    broken.push('mosquitto is not installed: MQTT payloads were not tried (apt-get install mosquitto)');
    return 0;
  }
  const secret = randomBytes(16).toString('hex');
  writeFileSync(join(door.dir, 'code'), `${secret}\n`, { mode: 0o600 });
  const lockFile = join(door.dir, 'mqtt.lock.jsonl');
  const port = await freePort();
  const config = door.config(
    'mqtt',
    `camera: { kind: replay, source: ${door.stranger}, framerate: 2, loop: true }\nlock: { driver: sim, simFile: ${lockFile} }\nstatus: { port: ${port} }\nmqtt: { url: '${broker.url}', deviceId: fuzz, remoteCommands: true, commandSecretFile: ${join(door.dir, 'code')} }\n`,
  );
  const daemon = startDaemon(config, fakeEnv({}));
  try {
    await daemon.waitFor(/MQTT connected/, 90_000);
    const { connectAsync } = await import('mqtt');
    const client = await connectAsync(broker.url);
    const bases = [
      'UNLOCK',
      'LOCK',
      JSON.stringify({ command: 'UNLOCK', code: 'not-the-code' }),
      JSON.stringify({ command: 'unlock', code: 1234 }),
    ];
    for (let i = 0; i < n; i++) {
      const base = Buffer.from(bases[randomIndex(random, bases.length)] as string);
      const payload = random() < 0.05 ? seededBytes(random, randomIndex(random, 4096)) : mutate(base, random);
      if (payload.includes(secret)) continue;
      await client.publishAsync('facelock/fuzz/set', payload, { qos: 0, retain: random() < 0.02 });
      if (i % 200 === 0) await sleep(20);
    }
    await client.endAsync();
    await sleep(1500);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch((err: unknown) => err as Error);
    if (health instanceof Error || !health.ok)
      broken.push(`after ${n} MQTT payloads the daemon does not answer /healthz: ${String(health)}`);
    daemon.child.kill('SIGTERM');
    const end = await daemon.exited;
    if (end.code !== 0) broken.push(`daemon after MQTT payloads: ended with ${end.code ?? end.signal}`);
    if (jsonLines<{ state: string }>(lockFile).some((t) => t.state === 'unlocked')) broken.push('an MQTT payload opened the door');
    const refused = (daemon.output().match(/remote command refused/g) ?? []).length;
    if (refused === 0) broken.push('no MQTT payload reached the daemon (no "remote command refused" line)');
    return n;
  } finally {
    daemon.child.kill('SIGKILL');
    broker.stop();
  }
}
