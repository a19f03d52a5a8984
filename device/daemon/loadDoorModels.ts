import type { Logger } from '../../common/logger.js';
import { loadFaceEngine } from '../../model/loadFaceEngine.js';
import { MODELS } from '../../model/manifest.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { loadOperatingCalibration } from '../door/calibrationFile.js';
import { minLiveness, resolveLivenessModel } from '../pipeline/buildDoorPipeline.js';
import { faceThresholds } from './faceThresholds.js';
import { hasInfraredCamera, livenessTier } from './livenessTier.js';

/** The face engine, the operating threshold from the calibration file, and the liveness rule, each logged. */
export async function loadDoorModels(config: Readonly<FacelockConfig>, log: Logger) {
  const { engine } = await loadFaceEngine(
    {
      backend: config.engine.backend,
      detector: config.engine.detector,
      embedder: config.engine.embedder,
      ...(config.engine.threads === undefined ? {} : { threads: config.engine.threads }),
      runtime: config.engine.runtime,
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
  const model = resolveLivenessModel(config, calibration);
  const needed = minLiveness(config, engine, calibration);
  const door = calibration.doorLiveness;
  const liveness = {
    model,
    minLiveness: needed.threshold,
    active: config.liveness.active,
    ...(model === 'door' && door ? { door: door.head } : {}),
  };
  const files = { texture: MODELS.textureLiveness.files[0], trained: MODELS.passiveLiveness.files[1] };
  const file = model === 'texture' || model === 'trained' ? files[model] : undefined;
  log.info('liveness', {
    model: `${model}${file ? ` ${file.sha256.slice(0, 12)}` : model === 'shipped' ? ' antispoof' : ''}`,
    minLiveness: liveness.minLiveness,
    thresholdFrom: needed.from,
    active: config.liveness.active,
  });
  log.info('presentation attacks', { tier: livenessTier(config, model, door) });
  if (model === 'shipped')
    log.warn('liveness.model is shipped: Human’s antispoof net passes nearly every printed photo (APCER 99.8% on NUAA)');
  if (!door && !hasInfraredCamera(config))
    log.warn(
      'this door has no liveness calibration of its own: on a camera the factory model never saw, printed photos and phone screens pass most of the time (README, "What stops what"); run facelock calibrate liveness --presentations DIR',
    );
  const thresholds = faceThresholds(config, calibration, engine.embedderName, log.child('decision'));
  return { engine, calibration, liveness, thresholds };
}
