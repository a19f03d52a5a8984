import { readFileSync } from 'node:fs';
import { describeError, ExitCode, FacelockError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { tf } from '../model/backend.js';
import { loadFaceEngine } from '../model/loadFaceEngine.js';
import { MODELS } from '../model/manifest.js';
import { createCamera } from './camera/createCamera.js';
import type { FacelockConfig } from './config/configSchema.js';
import { findDrift } from './coverage/drift.js';
import { loadOperatingCalibration } from './door/calibrationFile.js';
import { DoorService } from './door/doorService.js';
import { handleInputs } from './door/inputHandler.js';
import { withinSchedule } from './door/schedule.js';
import { createLock } from './lock/createLock.js';
import { GpiomonInputs } from './lock/gpiod/gpiomonInputs.js';
import { LockController } from './lock/lockController.js';
import { MqttBridge } from './mqtt/mqttBridge.js';
import { buildDoorStages, doorLimits } from './pipeline/buildDoorStages.js';
import { FrameFusion } from './pipeline/frameFusion.js';
import { LockoutPolicy } from './pipeline/lockoutPolicy.js';
import { DoorStatus } from './status/doorStatus.js';
import { startStatusServer } from './status/statusServer.js';
import { FaultSink } from './store/faultSink.js';
import { openTemplateStore } from './store/openStore.js';
import { createNotifier } from './systemd/sdNotify.js';

const DAY_MS = 86_400_000;

/**
 * The composition root of `facelock run`: the only place real adapters are built. The door is locked before
 * anything else starts and again on every way out (end of a recording, SIGTERM/SIGINT, a fault).
 */
export async function runDaemon(config: Readonly<FacelockConfig>): Promise<number> {
  // every error line is also a fault row in the audit log: kept in memory until the store is open, then written
  const faults = new FaultSink();
  const log = createLogger({
    level: config.logLevel,
    write: (line) => process.stdout.write(`${line}\n`),
    onError: (source, message, fields) => faults.add(source, message, fields),
  });
  const notify = createNotifier(process.env, log.child('systemd'));
  const lockLog = log.child('lock');
  let driver: Awaited<ReturnType<typeof createLock>>;
  try {
    driver = await createLock(config.lock, lockLog);
  } catch (err) {
    log.error('cannot drive the lock: not starting, the relay stays unpowered (locked)', { error: describeError(err) });
    return err instanceof FacelockError ? err.exitCode : ExitCode.lock;
  }
  const lock = new LockController(driver, config.lock, lockLog);
  await lock.close('start');

  const stop = new AbortController();
  const onSignal = (sig: string) => {
    log.info('stopping', { signal: sig });
    stop.abort();
  };
  const onFault = (err: unknown) => {
    log.error('fault: locking the door and exiting', { error: describeError(err) });
    void lock
      .close('fault')
      .catch(() => {}) // already logged; exiting releases the relay line either way
      .finally(() => process.exit(ExitCode.failure));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);

  let store: ReturnType<typeof openTemplateStore> | undefined;
  let result: number = ExitCode.failure;
  let status: DoorStatus | undefined;
  let statusServer: Awaited<ReturnType<typeof startStatusServer>>;
  let mqtt: MqttBridge | undefined;
  try {
    store = openTemplateStore({ stateDir: config.stateDir, keyFile: config.keyFile });
    const templates = store.templates().map((t) => ({ userId: t.userId, userName: t.userName, embedding: t.embedding }));
    if (templates.length === 0) log.warn('nobody is enrolled: the door will not open (facelock enroll add NAME)');
    const { engine } = await loadFaceEngine(
      {
        backend: config.engine.backend,
        embedder: config.engine.embedder,
        minDetectionScore: config.engine.minDetectionScore,
        minMeshScore: 0.5,
        maxFaces: 4,
        ...(config.engine.modelDir === undefined ? {} : { modelDir: config.engine.modelDir }),
      },
      log.child('engine'),
    );
    const calibration = loadOperatingCalibration(
      config.decision.calibrationFile,
      engine.embedderName,
      engine.info.modelHashes,
      log.child('decision'),
    );
    const { threshold } = calibration;
    const limits = doorLimits(config, threshold, engine.liveThreshold);
    log.info('liveness', {
      model: config.liveness.model === 'trained' ? `trained ${MODELS.passiveLiveness.files[1]?.sha256.slice(0, 12)}` : 'shipped antispoof',
      minLiveness: limits.minLiveness,
      active: config.liveness.active,
    });
    if (config.liveness.model === 'shipped')
      log.warn('liveness.model is shipped: Human’s antispoof net passes nearly every printed photo (APCER 99.8% on NUAA)');
    const audit = store.auditLog({ retainFrames: config.retention.frames });
    faults.attach(
      (e) => audit.event(e),
      (err) => process.stdout.write(`ERROR facelock: cannot write a fault to the audit log: ${describeError(err)}\n`),
    );
    const camera = createCamera(config.camera, log);
    const lockout = new LockoutPolicy(config.lock);
    status = new DoorStatus(
      () => (camera as { stats?: { restarts: number } }).stats?.restarts ?? 0,
      () => lockout.lockedOutUntil(Date.now()),
    );
    const doorStatus = status;
    lock.observe((unlocked) => doorStatus.lockState(unlocked));
    statusServer = await startStatusServer(doorStatus, { ...config.status, staleSeconds: 10 }, log.child('status'));
    if (config.mqtt) mqtt = startMqtt(config.mqtt, doorStatus, lock, audit, log.child('mqtt'));
    const service = new DoorService({
      camera,
      status: doorStatus,
      stages: buildDoorStages(engine, config, () => templates, threshold),
      fusion: new FrameFusion(config.decision),
      lockout,
      lock,
      audit: (a) => audit.record(a),
      log: log.child('door'),
      now: () => Date.now(),
      approachGapMs: config.decision.windowMs,
      activeLiveness: config.liveness.active,
      ...(calibration.probability ? { probability: calibration.probability } : {}),
      allowed: (userId, now) => withinSchedule(config.schedules[templates.find((t) => t.userId === userId)?.userName ?? ''], new Date(now)),
    });
    // retention and drift: at start, then every hour (purging a day's worth at a time is plenty)
    const upkeep = () => {
      try {
        const now = Date.now();
        const purged =
          audit.purgeBefore(new Date(now - config.retention.days * DAY_MS).toISOString()) +
          audit.purgeFramesBefore(new Date(now - config.retention.frameDays * DAY_MS).toISOString());
        if (purged > 0) log.info('retention: old attempts and events deleted', { rows: purged, days: config.retention.days });
        const window = (config.drift.recentDays + config.drift.referenceDays) * DAY_MS;
        const drift = findDrift(audit.attemptsSince(new Date(now - window).toISOString()), now, config.drift);
        doorStatus.driftWarnings = drift.map((d) => d.warning);
        for (const d of drift) log.warn(`drift: ${d.warning}`);
      } catch (err) {
        log.error('retention or drift check failed', { error: describeError(err) });
      }
    };
    upkeep();
    const upkeepTimer = setInterval(upkeep, 3_600_000);
    upkeepTimer.unref();
    notify.ready(`watching the door: ${new Set(templates.map((t) => t.userId)).size} user(s) enrolled`);
    notify.startWatchdog(
      () => service.counters.frames,
      () => doorStatus.watchdogPing(),
    );
    let ticks = 0;
    const statusTimer = setInterval(() => {
      const c = service.counters;
      notify.status(`frames ${c.frames}, unlocks ${c.unlocks}, rejects ${c.rejects}`);
      // once a minute: the numbers that show a leak (memory flat over a long run)
      if (++ticks % 6 === 0)
        log.info('health', { frames: c.frames, rssMb: Math.round(process.memoryUsage().rss / 1048576), tensors: tf.memory().numTensors });
    }, 10_000);
    statusTimer.unref();
    log.info('watching the door', {
      camera: config.camera.kind,
      users: new Set(templates.map((t) => t.userId)).size,
      threshold,
      k: config.decision.k,
      n: config.decision.n,
    });
    const inputsRun =
      config.inputs.driver === 'gpiod'
        ? handleInputs(
            new GpiomonInputs({
              activeLow: config.inputs.activeLow,
              debounceMs: config.inputs.debounceMs,
              ...(config.inputs.doorContact ? { doorContact: config.inputs.doorContact } : {}),
              ...(config.inputs.exitButton ? { exitButton: config.inputs.exitButton } : {}),
              ...(config.inputs.tamper ? { tamper: config.inputs.tamper } : {}),
            }),
            lock,
            (a) => audit.record(a),
            log.child('inputs'),
            stop.signal,
          )
        : Promise.resolve();
    await service.run(stop.signal);
    stop.abort();
    await inputsRun;
    clearInterval(statusTimer);
    clearInterval(upkeepTimer);
    notify.stopping();
    const c = service.counters;
    log.info('stopped', {
      frames: c.frames,
      unlocks: c.unlocks,
      rejects: c.rejects,
      ...prefixed('reason', c.byReason),
      ...prefixed('runs', c.stageRuns),
    });
    result = ExitCode.ok;
  } catch (err) {
    log.error('cannot run: the door stays locked', { error: describeError(err) });
    result = err instanceof FacelockError ? err.exitCode : ExitCode.failure;
  } finally {
    try {
      await lock.close('shutdown');
    } catch {
      // logged (and written as a fault) by the controller; exiting releases the relay line, ExecStopPost drives it inactive
      result = ExitCode.lock;
    }
    lock.dispose();
    statusServer?.close();
    await mqtt?.stop().catch(() => {});
    await driver.close?.().catch((err: unknown) => log.error('cannot release the relay driver', { error: describeError(err) }));
    faults.detach();
    store?.close();
    notify.close();
    process.off('uncaughtException', onFault);
    process.off('unhandledRejection', onFault);
  }
  return result;
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** The MQTT bridge of the config: secrets read from their files, remote commands through the lock controller. */
function startMqtt(
  config: NonNullable<FacelockConfig['mqtt']>,
  status: DoorStatus,
  lock: LockController,
  audit: ReturnType<ReturnType<typeof openTemplateStore>['auditLog']>,
  log: ReturnType<typeof createLogger>,
): MqttBridge {
  const secret = (file: string | undefined) => (file ? readFileSync(file, 'utf8').trim() : undefined);
  const password = secret(config.passwordFile);
  const commandSecret = secret(config.commandSecretFile);
  return MqttBridge.start(
    {
      url: config.url,
      ...(config.username ? { username: config.username } : {}),
      ...(password ? { password } : {}),
      deviceId: config.deviceId,
      discoveryPrefix: config.discoveryPrefix,
      topicPrefix: config.topicPrefix,
      remoteCommands: config.remoteCommands,
      ...(commandSecret ? { commandSecret } : {}),
    },
    status,
    {
      unlock: () => lock.open(),
      lock: () => lock.close('remote command'),
      record: (detail) => audit.event({ at: new Date().toISOString(), kind: 'event', source: 'facelock:mqtt', detail }),
    },
    log,
  );
}
