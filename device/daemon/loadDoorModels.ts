import type { Logger } from '../../common/logger.js';
import { loadFaceEngine } from '../../model/loadFaceEngine.js';
import { MODELS } from '../../model/manifest.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { loadOperatingCalibration } from '../door/calibrationFile.js';
import { minLiveness } from '../pipeline/buildDoorPipeline.js';

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
  const needed = minLiveness(config, engine, calibration);
  const liveness = { minLiveness: needed.threshold, active: config.liveness.active };
  const files = { texture: MODELS.textureLiveness.files[0], trained: MODELS.passiveLiveness.files[1], shipped: undefined };
  log.info('liveness', {
    model: `${config.liveness.model}${files[config.liveness.model] ? ` ${files[config.liveness.model]?.sha256.slice(0, 12)}` : ' antispoof'}`,
    minLiveness: liveness.minLiveness,
    thresholdFrom: needed.from,
    active: config.liveness.active,
  });
  if (config.liveness.model === 'shipped')
    log.warn('liveness.model is shipped: Human’s antispoof net passes nearly every printed photo (APCER 99.8% on NUAA)');
  return { engine, calibration, liveness };
}
