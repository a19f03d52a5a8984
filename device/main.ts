import { describeError, ExitCode, FacelockError } from '../common/errors.js';
import { createLogger, type Logger } from '../common/logger.js';
import { monotonicMs } from '../common/monotonicClock.js';
import { tf } from '../model/backend.js';
import { createCamera } from './camera/createCamera.js';
import type { FacelockConfig } from './config/configSchema.js';
import { startDoorWatch } from './daemon/doorWatch.js';
import { startInputs } from './daemon/inputs.js';
import { loadDoorModels } from './daemon/loadDoorModels.js';
import { restoreThrottles } from './daemon/restoreThrottles.js';
import { startHealthReports, startUpkeep } from './daemon/upkeep.js';
import { DoorService } from './door/doorService.js';
import { FrameFusion } from './door/frameFusion.js';
import type { LockoutPolicy } from './door/lockoutPolicy.js';
import { withinSchedule } from './door/schedule.js';
import { createLock } from './lock/createLock.js';
import { LockController } from './lock/lockController.js';
import type { MqttBridge } from './mqtt/mqttBridge.js';
import { startMqtt } from './mqtt/startMqtt.js';
import { buildDoorPipeline } from './pipeline/buildDoorPipeline.js';
import { FaceTracker } from './pipeline/faceTracker.js';
import type { Camera, Lock } from './ports.js';
import { DoorStatus } from './status/doorStatus.js';
import { startStatusServer } from './status/statusServer.js';
import type { AttemptRecord } from './store/auditLog.js';
import { EnrolledTemplates } from './store/enrolledTemplates.js';
import { FaultSink } from './store/faultSink.js';
import { openTemplateStore } from './store/openStore.js';
import type { TemplateStore } from './store/templateStore.js';
import { createNotifier, type Notifier } from './systemd/sdNotify.js';

/** How often the daemon looks for enrollment changes (a removed user is refused within this). */
const ENROLLMENT_POLL_MS = 250;

/** What the daemon opened, in the order it is closed again (each only if it was opened). */
interface Opened {
  store?: TemplateStore;
  statusServer?: { close(): void } | undefined;
  mqtt?: MqttBridge;
  stopTimers: (() => void)[];
}

interface Daemon {
  readonly config: Readonly<FacelockConfig>;
  readonly log: Logger;
  readonly faults: FaultSink;
  readonly notify: Notifier;
  readonly lock: LockController;
  readonly stop: AbortController;
  readonly opened: Opened;
}

/**
 * The composition root of `facelock run`: the only place real adapters are built. The door is locked before
 * anything else starts and again on every way out (end of a recording, SIGTERM/SIGINT, a fault).
 */
export async function runDaemon(
  config: Readonly<FacelockConfig>,
  /** Where the state folder and key file came from (a flag, the environment, the config, the default), for the log. */
  pathsFrom: { readonly stateDir: string; readonly keyFile: string } = { stateDir: 'config', keyFile: 'config' },
  /** The config file read, or undefined when there was none and every setting is its default (said in the log). */
  configFile?: string,
): Promise<number> {
  // every error line is also a fault row in the audit log: kept in memory until the store is open, then written
  const faults = new FaultSink();
  const log = createLogger({
    level: config.logLevel,
    write: (line) => process.stdout.write(`${line}\n`),
    onError: (source, message, fields) => faults.add(source, message, fields),
  });
  if (configFile === undefined) log.warn('no config file: every setting is its default (facelock run --config FILE)');
  log.info('state and key', { stateDir: config.stateDir, from: pathsFrom.stateDir, keyFile: config.keyFile, keyFrom: pathsFrom.keyFile });
  const lockLog = log.child('lock');
  let driver: Lock;
  try {
    driver = await createLock(config.lock, lockLog);
  } catch (err) {
    log.error('cannot drive the lock: not starting, the relay stays unpowered (locked)', { error: describeError(err) });
    return err instanceof FacelockError ? err.exitCode : ExitCode.lock;
  }
  const lock = new LockController(driver, config.lock, lockLog);
  await lock.close('start');
  const d: Daemon = {
    config,
    log,
    faults,
    notify: createNotifier(process.env, log.child('systemd')),
    lock,
    stop: new AbortController(),
    opened: { stopTimers: [] },
  };
  const unguard = guardProcess(d);
  let result: number;
  try {
    result = await watchDoor(d);
  } catch (err) {
    log.error('cannot run: the door stays locked', { error: describeError(err) });
    result = err instanceof FacelockError ? err.exitCode : ExitCode.failure;
  }
  result = await shutdown(d, driver, result);
  unguard();
  return result;
}

/** SIGTERM/SIGINT stop the door; an uncaught fault locks it and exits. Returns the function that removes the handlers. */
function guardProcess(d: Daemon): () => void {
  const onSignal = (sig: string) => {
    d.log.info('stopping', { signal: sig });
    d.stop.abort();
  };
  const onFault = (err: unknown) => {
    d.log.error('fault: locking the door and exiting', { error: describeError(err) });
    void d.lock
      .close('fault')
      .catch(() => {}) // already logged; exiting releases the relay line either way
      .finally(() => process.exit(ExitCode.failure));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  return () => {
    process.off('uncaughtException', onFault);
    process.off('unhandledRejection', onFault);
  };
}

/** Opens the store, the engine and the adapters, then watches the door until the camera ends or a signal stops it. */
async function watchDoor(d: Daemon): Promise<number> {
  const { config, log, opened } = d;
  const store = openTemplateStore({ stateDir: config.stateDir, keyFile: config.keyFile });
  opened.store = store;
  const { engine, calibration, liveness, thresholds } = await loadDoorModels(config, log);
  const enrolled = watchEnrollment(store, engine.embedderName, opened, log);
  const users = enrolled.userCount;
  const audit = store.auditLog({ retainFrames: config.retention.frames });
  d.faults.attach(
    (e) => audit.event(e),
    (err) => process.stdout.write(`ERROR facelock: cannot write a fault to the audit log: ${describeError(err)}\n`),
  );
  const camera = createCamera(config.camera, log);
  const { lockout, codes } = restoreThrottles(store, config, log);
  const doorId = config.door.id ?? config.mqtt?.deviceId ?? 'door';
  const status = new DoorStatus(
    () => camera.stats.restarts,
    () => lockout.remainingMs(monotonicMs()),
    doorId,
  );
  const door = startDoorWatch(config, status, d.lock, audit, log.child('door'));
  opened.stopTimers.push(door.stop);
  // every audit row says which door, and which alarms were active
  const record = (a: AttemptRecord) => audit.record({ door: doorId, alarms: status.events.alarms.join(','), ...a });
  d.lock.observe((unlocked) => status.lockState(unlocked));
  opened.statusServer = await startStatusServer(status, { ...config.status, staleSeconds: 10 }, log.child('status'));
  if (config.mqtt)
    opened.mqtt = await startMqtt(config.mqtt, {
      status,
      lock: d.lock,
      audit,
      record,
      log: log.child('mqtt'),
      lockedOut: () => lockout.lockedOutUntil(monotonicMs()) !== undefined,
      codes,
      watch: door.watch,
      ...wiredInputs(config),
    });
  const service = doorService(d, {
    camera,
    status,
    engine,
    calibration,
    liveness,
    thresholds,
    enrolled,
    lockout,
    record,
    onGrant: (now) => door.watch.monitor.granted(now),
  });
  opened.stopTimers.push(startUpkeep(config, audit, status, log));
  d.notify.ready(`watching the door: ${users} user(s) enrolled`);
  d.notify.startWatchdog(
    () => service.counters.frames,
    () => status.watchdogPing(),
  );
  opened.stopTimers.push(startHealthReports(service.counters, d.notify, () => tf.memory().numTensors, log));
  log.info('watching the door', {
    camera: config.camera.kind,
    users,
    threshold: calibration.threshold,
    greyThreshold: thresholds.grey,
    k: config.decision.k,
    n: config.decision.n,
  });
  const inputsRun = startInputs(config.inputs, d.lock, record, log.child('inputs'), d.stop.signal, door.watch);
  await service.run(d.stop.signal);
  d.stop.abort();
  await inputsRun;
  logStopped(log, service.counters);
  return ExitCode.ok;
}

/** The door service of the composition root: the pipeline, fusion, lockout and the audit writer, on the monotonic clock. */
function doorService(
  d: Daemon,
  p: {
    camera: Camera;
    status: DoorStatus;
    engine: Awaited<ReturnType<typeof loadDoorModels>>['engine'];
    calibration: Awaited<ReturnType<typeof loadDoorModels>>['calibration'];
    liveness: Awaited<ReturnType<typeof loadDoorModels>>['liveness'];
    thresholds: Awaited<ReturnType<typeof loadDoorModels>>['thresholds'];
    enrolled: EnrolledTemplates;
    lockout: LockoutPolicy;
    record: (a: AttemptRecord) => void;
    onGrant: (now: number) => void;
  },
): DoorService {
  const { config, log } = d;
  const { enrolled, calibration } = p;
  const tracker = new FaceTracker(config.engine);
  return new DoorService({
    camera: p.camera,
    status: p.status,
    pipeline: buildDoorPipeline(p.engine, config, () => enrolled.current, p.thresholds, Date.now, p.liveness, tracker),
    tracker,
    fusion: new FrameFusion(config.decision),
    lockout: p.lockout,
    lock: d.lock,
    audit: p.record,
    retainFrames: config.retention.frames,
    log: log.child('door'),
    now: monotonicMs,
    onGrant: p.onGrant,
    approachGapMs: config.decision.windowMs,
    attemptSliceMs: config.lock.attemptSliceMs,
    liveness: p.liveness,
    ...(calibration.probability ? { probability: calibration.probability } : {}),
    allowed: (userId, now) =>
      withinSchedule(config.schedules[enrolled.current.find((t) => t.userId === userId)?.userName ?? ''], new Date(now)),
    stillEnrolled: (userId) => enrolled.confirm(userId),
  });
}

/** Which of the door's inputs are wired (Home Assistant gets their binary sensors only then). */
function wiredInputs(config: Readonly<FacelockConfig>): { hasContact: boolean; hasTamper: boolean } {
  const gpiod = config.inputs.driver === 'gpiod';
  return { hasContact: gpiod && config.inputs.doorContact !== undefined, hasTamper: gpiod && config.inputs.tamper !== undefined };
}

function logStopped(log: Logger, c: DoorService['counters']): void {
  log.info('stopped', {
    frames: c.frames,
    unlocks: c.unlocks,
    rejects: c.rejects,
    ...prefixed('reason', c.byReason),
    ...prefixed('runs', c.stageRuns),
  });
}

/** What the store holds now, reloaded within ENROLLMENT_POLL_MS of any change (a removal revokes at once). */
function watchEnrollment(store: TemplateStore, embedder: string, opened: Daemon['opened'], log: Logger): EnrolledTemplates {
  const enrolled = new EnrolledTemplates(store, embedder, log.child('enrollment'));
  const poll = setInterval(() => enrolled.refresh(), ENROLLMENT_POLL_MS);
  poll.unref();
  opened.stopTimers.push(() => clearInterval(poll));
  if (enrolled.current.length === 0) log.warn('nobody the door can recognise is enrolled: it will not open (facelock enroll add NAME)');
  return enrolled;
}

/** Locks the door, then closes everything that was opened, newest first; a relay that cannot be driven is exit 7. */
async function shutdown(d: Daemon, driver: Lock, result: number): Promise<number> {
  for (const stop of d.opened.stopTimers) stop();
  d.notify.stopping();
  let code = result;
  try {
    await d.lock.close('shutdown');
  } catch {
    // logged (and written as a fault) by the controller; exiting releases the relay line, ExecStopPost drives it inactive
    code = ExitCode.lock;
  }
  d.lock.dispose();
  d.opened.statusServer?.close();
  await d.opened.mqtt?.stop().catch(() => {});
  await driver.close?.().catch((err: unknown) => d.log.error('cannot release the relay driver', { error: describeError(err) }));
  d.faults.detach();
  d.opened.store?.close();
  d.notify.close();
  return code;
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${prefix}.${k}`, v]));
}
