import { COLOUR_LBP_FEATURES, colourLbpOfPlanes, colourPlanes } from './texture/colourLbp.js';
import { type LinearModel, linearLogit } from './texture/linearModel.js';
import { SPECTRUM_RINGS, spectrumFeatures } from './texture/spectrumFeatures.js';

/**
 * The features a door's own presentation-attack head is fitted on (`facelock calibrate liveness`): colour LBP (HSV and
 * YCbCr) of the face crop (Human's face box and margin) at 64 and at 128 px, and the DCT ring energies of the 64 px
 * crop. Chosen on the cross-camera protocol (scripts/pad/evalPadProtocol.ts; docs/decisions.md): fitted on some people
 * of a camera they separate new people of that camera (Replay-Attack train -> devel: AUC 0.996 with the 128 px
 * texture, 0.978 without it); fitted on another camera, nothing here does. The name is versioned: a head fitted on
 * other features is refused, and presentations kept as other features are not reused.
 */
export const DOOR_PAD_FEATURES = 'colour-lbp64+colour-lbp128+dct-rings64/2';
export const DOOR_PAD_SIDE = 64;
export const DOOR_PAD_FINE_SIDE = 128;
export const DOOR_PAD_DIMENSIONS = 2 * COLOUR_LBP_FEATURES + SPECTRUM_RINGS;

/** The door features of the same face crop at DOOR_PAD_SIDE and DOOR_PAD_FINE_SIDE pixels square, RGB 0-255. */
export function doorPadFeatures(rgb: ArrayLike<number>, fine: ArrayLike<number>): Float32Array {
  const out = new Float32Array(DOOR_PAD_DIMENSIONS);
  const planes = colourPlanes(rgb, DOOR_PAD_SIDE);
  out.set(colourLbpOfPlanes(planes, DOOR_PAD_SIDE), 0);
  out.set(colourLbpOfPlanes(colourPlanes(fine, DOOR_PAD_FINE_SIDE), DOOR_PAD_FINE_SIDE), COLOUR_LBP_FEATURES);
  // the Y plane is the BT.601 luma the spectrum reads: computed once, with the colour planes
  out.set(spectrumFeatures(planes[3] as Float32Array, DOOR_PAD_SIDE), 2 * COLOUR_LBP_FEATURES);
  return out;
}

/** A door's head over those features: p(live) = sigmoid(logit / temperature). */
export interface DoorPadHead {
  readonly features: typeof DOOR_PAD_FEATURES;
  readonly model: LinearModel;
  readonly temperature: number;
  readonly threshold: number;
}

export function doorPadProbability(head: Pick<DoorPadHead, 'model' | 'temperature'>, features: ArrayLike<number>): number {
  return 1 / (1 + Math.exp(-linearLogit(head.model, features) / head.temperature));
}
