import type { SearchOptions } from './hyperSearch.js';
import type { TrainOptions } from './trainPassiveNet.js';

/**
 * The trainer's defaults, apart from the trainer: the CLI shows them in its help without loading the training
 * code, which pulls in the whole tfjs package (its gradients) and would add some 27 MB to every command.
 */
export const DEFAULT_TRAIN: Omit<TrainOptions, 'net' | 'augment'> = {
  learningRate: 3e-3,
  weightDecay: 1e-4,
  lrDecay: 0.9,
  batchSize: 32,
  maxEpochs: 20,
  patience: 4,
  bnMomentum: 0.9,
  seed: 1,
};

export const DEFAULT_SEARCH: SearchOptions = {
  coarseTrials: 6,
  coarseEpochs: 3,
  fineTrials: 3,
  learningRate: [1e-4, 3e-2],
  weightDecay: [1e-6, 1e-2],
  fineDecades: 0.5,
  seed: 1,
};

export const DEFAULT_TRAIN_LIVENESS = {
  search: DEFAULT_SEARCH,
  curveFractions: [0.25, 0.5, 1],
  targetBpcer: 0.05,
  /** The texture model: a 160 px crop keeps the print's grain (48 px lost it: dev APCER 27% against 10% at 160). */
  texture: { side: 160, lambdas: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1] },
} as const;
