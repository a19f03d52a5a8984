import type { FacelockConfig } from '../config/configSchema.js';
import type { DoorLivenessCalibration } from '../door/calibrationFile.js';
import type { DoorLivenessModel } from '../pipeline/buildDoorPipeline.js';

/**
 * The factory texture model on a camera it never saw, as measured (README, "What stops what"): Replay-Attack's devel
 * people at the shipped threshold (`node dist/scripts/pad/evalPadProtocol.js`).
 */
export const FACTORY_UNSEEN_CAMERA = 'prints 100% and phone/tablet screens 72-81% of frames pass (Replay-Attack devel, AUC 0.56)';

const share = (c: { readonly count: number; readonly of: number }) =>
  c.of === 0 ? 'not measured' : `${((100 * c.count) / c.of).toFixed(1)}% (${c.count}/${c.of})`;

/** Whether the door's camera is the infrared one (a NoIR module under 850 nm light: screens show no face). */
export function hasInfraredCamera(config: Readonly<FacelockConfig>): boolean {
  return config.camera.kind === 'rpicam' && config.camera.infrared;
}

/** One line that says which presentation-attack tier this door is in and at which measured rates. */
export function livenessTier(
  config: Readonly<FacelockConfig>,
  model: DoorLivenessModel,
  door: DoorLivenessCalibration | undefined,
): string {
  const infrared = config.camera.kind === 'rpicam' && config.camera.infrared;
  const hardware = infrared
    ? 'infrared camera (a screen shows no face under 850 nm light); '
    : 'RGB camera (only software stands between a screen and the relay); ';
  if (model === 'door' && door) {
    const m = door.measured;
    const species = Object.entries(m.approach.species)
      .map(([s, c]) => `${s} ${share(c)}`)
      .join(', ');
    const missing = m.tooFew.length > 0 ? `; too few to measure: ${m.tooFew.join(', ')}` : '';
    return `${hardware}door's own calibration of ${door.createdAt.slice(0, 10)}: held-apart APCER per approach ${species}; BPCER per frame ${share(m.frame.bpcer)}${missing}`;
  }
  if (model === 'texture') return `${hardware}factory texture model: on a camera it never saw ${FACTORY_UNSEEN_CAMERA}`;
  if (model === 'trained') return `${hardware}factory passive net: on Replay-Attack's camera AUC 0.70, no better than the texture model`;
  return `${hardware}Human's antispoof net: passes nearly every printed photo`;
}
