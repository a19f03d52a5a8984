import { z } from 'zod';
import { isLoopbackHost } from '../../common/loopbackHost.js';
import { BACKEND_CHOICES } from '../../model/backend.js';
import { DEFAULT_ENGINE_CONFIG, DETECTORS, EMBEDDERS, NET_RUNTIMES } from '../../model/loadFaceEngine.js';

/** Days of a schedule rule, as the config names them (index = Date.getDay()). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** A GPIO line name as the libgpiod tools take it: never starting with '-', which they would read as an option. */
const GPIO_LINE = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const GPIO_LINE_MESSAGE = "a GPIO line name (letters, digits, '_' and '-', not starting with '-'), e.g. GPIO17";

/** Whether a broker URL names this machine (loopback): its traffic never leaves the device. */
export function onThisMachine(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return isLoopbackHost(host);
  } catch {
    return false;
  }
}
const format = { width: int(64, 4096).default(640), height: int(64, 4096).default(480), framerate: int(1, 120).default(15) };

const camera = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('rpicam'),
      ...format,
      /**
       * A Pi NoIR camera under an 850 nm illuminator (docs/install.md): grey frames (`--saturation 0`; colour means
       * nothing under infrared, and a phone or tablet screen emits none of it, so a replayed face is not lit).
       */
      infrared: z.boolean().default(false),
      /** libcamera tuning file, e.g. /usr/share/libcamera/ipa/rpi/vc4/imx219_noir.json (Pi 5: rpi/pisp/) for a NoIR module. */
      tuningFile: z
        .string()
        .regex(/^\/[^\0]*\.json$/, 'an absolute path to a libcamera tuning .json file')
        .optional(),
      /**
       * mjpeg: the Pi encodes every frame as JPEG and facelock decodes it again; yuv420: raw frames, the motion gate reads
       * the Y plane with no decode (the width must then be a multiple of 64, the row alignment of the Pi's ISP).
       */
      format: z.enum(['mjpeg', 'yuv420']).default('yuv420'),
    })
    .superRefine((c, ctx) => {
      if (c.format !== 'yuv420') return;
      if (c.width % 64 !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['width'],
          message: `with format yuv420 the width must be a multiple of 64 (rpicam-vid pads each row to 64 bytes): ${Math.max(64, Math.round(c.width / 64) * 64)} is the nearest, or use format mjpeg`,
        });
      if (c.height % 2 !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['height'],
          message: 'with format yuv420 the height must be even (4:2:0 chroma is halved both ways)',
        });
    }),
  z.strictObject({ kind: z.literal('v4l2'), device: z.string().min(1).default('/dev/video0'), ...format }),
  z.strictObject({
    kind: z.literal('replay'),
    source: z.string().min(1),
    framerate: int(1, 120).default(15),
    loop: z.boolean().default(false),
  }),
]);

/**
 * The daemon's whole configuration. Every number has bounds; unknown keys are errors (a typo must not silently
 * fall back to a default on a door lock).
 */
export const configSchema = z.strictObject({
  stateDir: z.string().min(1).default('/var/lib/facelock'),
  keyFile: z.string().min(1).default('/etc/facelock/facelock.key'),
  camera: camera.prefault({ kind: 'rpicam' }),
  motion: z
    .strictObject({
      /** Width of the grey thumbnail frames are compared on. */
      width: int(16, 320).default(64),
      /** Grey-level change (0-255) for a pixel to count as changed. */
      pixelThreshold: int(1, 255).default(25),
      /** Fraction of changed pixels that counts as motion. */
      minChangedFraction: z.number().gt(0).lte(1).default(0.01),
      /** After motion, keep the networks awake this long. */
      holdMs: int(0, 60_000).default(3000),
      /** While asleep, look for motion in every Nth frame only (1 = every frame): idle CPU against wake-up delay. */
      idleEvery: int(1, 30).default(8),
    })
    .prefault({}),
  engine: z
    .strictObject({
      backend: z.enum(BACKEND_CHOICES).default(DEFAULT_ENGINE_CONFIG.backend),
      detector: z.enum(DETECTORS).default(DEFAULT_ENGINE_CONFIG.detector),
      embedder: z.enum(EMBEDDERS).default(DEFAULT_ENGINE_CONFIG.embedder),
      /** Intra-op threads of every ONNX Runtime session (default: one per core for the embedder, one for the small nets). */
      threads: int(1, 64).optional(),
      /** Where the networks made for tfjs run: written as ONNX on ONNX Runtime (native, the default), or on tfjs. */
      runtime: z.enum(NET_RUNTIMES).default(DEFAULT_ENGINE_CONFIG.runtime),
      minDetectionScore: z.number().gt(0).lt(1).default(DEFAULT_ENGINE_CONFIG.minDetectionScore),
      /**
       * After a frame that passed every stage, follow its face into the next frames from its mesh, without the detector,
       * for at most this many frames before detecting again (0: the detector on every frame). Any frame that does not
       * pass, a gap in the frames, or a lost face brings the detector back: rejected frames are always detected.
       */
      trackFrames: int(0, 10).default(2),
      /** A face is followed only into a frame at most this long after the frame it passed on. */
      trackMaxGapMs: int(1, 1000).default(200),
      /** A folder holding every model file (laid out as in their npm packages) instead of node_modules. */
      modelDir: z.string().min(1).optional(),
    })
    .prefault({}),
  decision: z
    .strictObject({
      /** Frames of one approach that must match the same user and pass liveness ... */
      k: int(1, 30).default(3),
      /** ... among the last n frames ... */
      n: int(1, 60).default(5),
      /** ... within this window. */
      windowMs: int(100, 30_000).default(3000),
      /** The calibration file (thresholds and the model hashes they were made for). */
      calibrationFile: z.string().min(1).optional(),
      /** Minimum shipped antispoof score per frame (liveness.model shipped only). */
      minAntispoof: z.number().gte(0).lte(1).default(0.5),
      /** The per-frame false accept rate `facelock calibrate` picks the threshold for. */
      targetFar: z.number().gt(0).lt(1).default(1e-4),
    })
    .refine((d) => d.k <= d.n, { message: 'k must not exceed n', path: ['k'] })
    .prefault({}),
  liveness: z
    .strictObject({
      /**
       * auto (the default): the door's own head when the calibration file has one (`facelock calibrate liveness`),
       * else the texture model. door: the door's own head, and refuse to start without it. texture: facelock's LBP
       * texture model (model/weights/texture-liveness.json; on NUAA's session-disjoint dev it
       * lets through 10% of printed-photo frames at 5% BPCER, where the trained net lets through 61%); trained:
       * facelock's passive net (`facelock train liveness` makes both); shipped: Human's antispoof net with
       * decision.minAntispoof (it passes 99.8% of printed photos).
       */
      model: z.enum(['auto', 'door', 'texture', 'trained', 'shipped']).default('auto'),
      /**
       * Blink and 3-D head motion over an approach. optional: a tilt one plane explains (a photo or screen turned in
       * front of the camera) vetoes; required: every approach must show a blink or parallax, and a user who keeps
       * perfectly still is never admitted; off: the passive model alone.
       */
      active: z.enum(['off', 'optional', 'required']).default('optional'),
      /** Probability of a live face a frame needs; default: the chosen model's own (chosen for 5% BPCER on dev). */
      minProbability: z.number().gt(0).lt(1).optional(),
    })
    .prefault({}),
  lock: z
    .strictObject({
      /**
       * auto: gpiod when the relay line exists on this machine, else the simulated lock (with a warning). sysfs: the
       * deprecated /sys/class/gpio interface, for kernels without the character device tools (not released on a crash).
       */
      driver: z.enum(['auto', 'gpiod', 'sysfs', 'sim']).default('auto'),
      /** The relay line by name, as the libgpiod tools know it (GPIO17 on a Pi header). */
      line: z.string().regex(GPIO_LINE, GPIO_LINE_MESSAGE).default('GPIO17'),
      /** Relay boards that energise on a low level. */
      activeLow: z.boolean().default(false),
      /**
       * gpiod driver: how long a new gpioset has to show its line driven (gpioinfo reports it requested as an output)
       * before the drive fails and the door is driven locked. libgpiod's tools take milliseconds.
       */
      driveTimeoutMs: int(200, 10_000).default(2000),
      /** The sysfs GPIO folder (sysfs driver). */
      sysfsRoot: z.string().min(1).default('/sys/class/gpio'),
      /** Where the simulated lock appends its transitions (JSON lines); default: the log only. */
      simFile: z.string().min(1).optional(),
      unlockMs: int(100, 30_000).default(3000),
      /** Hard maximum of any unlock pulse, enforced by its own timer. */
      maxUnlockMs: int(100, 30_000).default(10_000),
      /** Failed attempts in a row before a lockout (NIST SP 800-63B: at most 5 before a delay of 30 s or more). */
      maxFailures: int(1, 5).default(5),
      lockoutMs: int(30_000, 3_600_000).default(30_000),
      /**
       * One attempt is at most this long: an approach that goes on (one person, or many faces shown one after another)
       * is decided every slice, and each slice that ends on a rejected frame is one failed attempt.
       */
      attemptSliceMs: int(1000, 30_000).default(3000),
    })
    .refine((l) => l.unlockMs <= l.maxUnlockMs, { message: 'unlockMs must not exceed maxUnlockMs', path: ['unlockMs'] })
    .prefault({}),
  /**
   * The door as an access point: its name in the audit log and in Home Assistant's event stream (default: the MQTT
   * device id), and the limits of its forced-open and held-open alarms (they need the door contact input).
   */
  door: z
    .strictObject({
      id: z
        .string()
        .regex(/^[a-z0-9_]{1,64}$/, 'lower-case letters, digits and _ (at most 64)')
        .optional(),
      /** An opening this soon after a grant is not forced (the contact's own delay; the pulse itself always counts). */
      forcedOpenGraceMs: int(0, 30_000).default(2000),
      /** Open longer than this after a grant: held open. */
      heldOpenMs: int(5000, 3_600_000).default(30_000),
    })
    .prefault({}),
  /** The door's inputs: door contact (relocks when it closes), exit button (opens), enclosure tamper switch. */
  inputs: z
    .strictObject({
      driver: z.enum(['none', 'gpiod']).default('none'),
      doorContact: z.string().regex(GPIO_LINE, GPIO_LINE_MESSAGE).optional(),
      exitButton: z.string().regex(GPIO_LINE, GPIO_LINE_MESSAGE).optional(),
      tamper: z.string().regex(GPIO_LINE, GPIO_LINE_MESSAGE).optional(),
      /** Switches to ground with pull-ups: active (closed, pressed) reads low. */
      activeLow: z.boolean().default(true),
      debounceMs: int(5, 1000).default(50),
    })
    .prefault({}),
  /** Optional weekly windows per user name; users not listed may enter at any time. */
  schedules: z
    .record(
      z.string().min(1),
      z.array(
        z.strictObject({
          days: z.array(z.enum(WEEKDAYS)).min(1),
          from: z.string().regex(HHMM, 'a time HH:MM'),
          to: z.string().regex(HHMM, 'a time HH:MM'),
        }),
      ),
    )
    .prefault({}),
  /** The local status interface: /healthz, /status, /metrics over HTTP on loopback only (port 0: off). */
  status: z
    .strictObject({
      host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
      port: int(0, 65535).default(8735),
    })
    .prefault({}),
  /** Home Assistant over MQTT (optional): discovery, state, decision events, and remote commands when allowed. */
  mqtt: z
    .strictObject({
      url: z.string().regex(/^mqtts?:\/\//, 'an mqtt:// or mqtts:// URL'),
      username: z.string().min(1).optional(),
      /** A file holding the broker password (never the password in the config). */
      passwordFile: z.string().min(1).optional(),
      deviceId: z
        .string()
        .regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _')
        .default('facelock'),
      discoveryPrefix: z.string().min(1).default('homeassistant'),
      topicPrefix: z.string().min(1).default('facelock'),
      /** Remote lock/unlock commands: refused unless enabled here AND the command carries the secret of this file. */
      remoteCommands: z.boolean().default(false),
      commandSecretFile: z.string().min(1).optional(),
    })
    .refine((m) => !m.remoteCommands || m.commandSecretFile !== undefined, {
      message: 'remoteCommands needs commandSecretFile (the code Home Assistant sends with each command)',
      path: ['commandSecretFile'],
    })
    // Home Assistant's lock code is a static secret: anyone who reads the command topic can replay it
    .refine((m) => !m.remoteCommands || onThisMachine(m.url) || (m.url.startsWith('mqtts://') && m.username && m.passwordFile), {
      message:
        'remoteCommands to a broker on another machine need TLS (an mqtts:// URL) and broker credentials (username and passwordFile): the lock code travels in every command and can be replayed by anyone who reads the topic',
      path: ['remoteCommands'],
    })
    .optional(),
  /** Attempts and events older than this are deleted (at start and daily). */
  retention: z
    .strictObject({
      days: int(1, 3650).default(90),
      /** Keep each approach's best frame, sealed with the template key, for retraining (off unless the owner opts in). */
      frames: z.boolean().default(false),
      /** Retained frames older than this are deleted. */
      frameDays: int(1, 365).default(7),
    })
    .prefault({}),
  /** Drift of the door's light and pose and of users' match scores: the recent window against the one before it. */
  drift: z
    .strictObject({
      /** Days (fractions allowed, for tests and short trials). */
      recentDays: z.number().gt(0).lte(90).default(7),
      referenceDays: z.number().gt(0).lte(365).default(28),
      psiWarn: z.number().gt(0).default(0.25),
      minSamples: int(5, 10_000).default(20),
      rejectRise: z.number().gt(0).lt(1).default(0.15),
    })
    .prefault({}),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type FacelockConfig = z.infer<typeof configSchema>;
