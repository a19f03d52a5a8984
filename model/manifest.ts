import modelPackages from './modelPackages.json' with { type: 'json' };

/**
 * Every model file facelock loads: where it comes from (npm package and version), its sha256, its input and what
 * its output means. A file whose bytes differ from this manifest is refused at load.
 */
export interface ModelFile {
  readonly path: string;
  readonly sha256: string;
}

export interface ModelEntry {
  readonly name: ModelName;
  readonly package: string;
  readonly version: string;
  /**
   * `graph`: a tfjs graph model (model.json + shards); `weights`: a weights manifest for a network defined in code;
   * `onnx`: one ONNX file, run on ONNX Runtime.
   */
  readonly format: 'graph' | 'weights' | 'onnx' | 'json';
  /** The graph's model.json first, then its weight shards. */
  readonly files: readonly ModelFile[];
  readonly input: string;
  readonly output: string;
}

export type ModelName =
  | 'blazeface'
  | 'facemesh'
  | 'faceres'
  | 'dlibResnet'
  | 'faceplugin'
  | 'frDetect'
  | 'frLandmark'
  | 'frLiveness'
  | 'antispoof'
  | 'liveness'
  | 'passiveLiveness'
  | 'textureLiveness';

const human = { package: '@vladmandic/human', version: '3.3.6', format: 'graph' } as const;

/** A model-only npm package: its files come from its tarball (scripts/fetch-model-packages.mjs), never installed. */
const FACEPLUGIN = 'faceplugin-face-recognition-js';
const faceplugin = { package: FACEPLUGIN, version: modelPackages[FACEPLUGIN].version, format: 'onnx' } as const;
const fp = (path: keyof (typeof modelPackages)[typeof FACEPLUGIN]['files']) => [{ path, sha256: modelPackages[FACEPLUGIN].files[path] }];

export const MODELS: Readonly<Record<ModelName, ModelEntry>> = {
  blazeface: {
    name: 'blazeface',
    ...human,
    files: [
      { path: 'models/blazeface.json', sha256: 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f' },
      { path: 'models/blazeface.bin', sha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72' },
    ],
    input: '1x256x256x3 RGB scaled to [-1, 1]',
    output: '1x896x17 per anchor: face logit, box centre offset and size, 6 keypoints (eyes, nose, mouth, ears)',
  },
  facemesh: {
    name: 'facemesh',
    ...human,
    files: [
      { path: 'models/facemesh.json', sha256: 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7' },
      { path: 'models/facemesh.bin', sha256: '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b' },
    ],
    input: 'Nx192x192x3 RGB face crop scaled to [0, 1]',
    output: '468 3-D landmarks in crop pixels (1404 values) and a face-presence probability',
  },
  faceres: {
    name: 'faceres',
    ...human,
    files: [
      { path: 'models/faceres.json', sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df' },
      { path: 'models/faceres.bin', sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b' },
    ],
    input: 'Nx224x224x3 RGB face crop in [0, 255]',
    output: '1024-d identity features (global pooling), plus age and gender heads (unused)',
  },
  dlibResnet: {
    name: 'dlibResnet',
    package: '@vladmandic/face-api',
    version: '1.7.15',
    format: 'weights',
    files: [
      {
        path: 'model/face_recognition_model-weights_manifest.json',
        sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
      },
      { path: 'model/face_recognition_model.bin', sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589' },
    ],
    input: '1x150x150x3 RGB face crop (face-api alignment), minus mean RGB (122.782, 117.001, 104.298), divided by 255',
    output: '128-d identity descriptor of the dlib ResNet-34 face-recognition net (L2-normalised by facelock)',
  },
  faceplugin: {
    name: 'faceplugin',
    ...faceplugin,
    files: fp('model/fr_feature.onnx'),
    input: '1x3x112x112 RGB (x - 127) / 128, the face warped by a 5-point similarity onto the ArcFace 112x112 template',
    output: '512-d identity embedding of a MobileFaceNet (L2-normalised by facelock, compared by cosine)',
  },
  frDetect: {
    name: 'frDetect',
    ...faceplugin,
    files: fp('model/fr_detect.onnx'),
    input: '1x3x240x320 RGB (x - 127) / 128, the whole image resized (aspect not kept)',
    output: 'scores 1x4420x2 (background, face) and boxes 1x4420x4 (x1, y1, x2, y2 in [0, 1], already decoded)',
  },
  frLandmark: {
    name: 'frLandmark',
    ...faceplugin,
    files: fp('model/fr_landmark.onnx'),
    input: '1x1x64x64 grey (0.114 R + 0.587 G + 0.299 B) / 256 of the detector box',
    output: '68 points (x, y) in [0, 1] of the box',
  },
  frLiveness: {
    name: 'frLiveness',
    ...faceplugin,
    files: fp('model/fr_liveness.onnx'),
    input: '1x3x128x128 RGB 0-255 of a square of 2.7x the face box, clamped to the image',
    output: '3 logits; softmax[0] is the probability of a live face',
  },
  antispoof: {
    name: 'antispoof',
    ...human,
    files: [
      { path: 'models/antispoof.json', sha256: '7fd698ae1cebabbcad79d3b8b448587b0365eb7911987418231bdcf36583112a' },
      { path: 'models/antispoof.bin', sha256: '4490fecb2becdb6869edc7e60f5e59962be013a8def8719b1373afb0f905c094' },
    ],
    input: 'Nx128x128x3 RGB face crop scaled to [0, 1]',
    output: 'one score in [0, 1]: higher means a real face (Human calls it a quick check)',
  },
  liveness: {
    name: 'liveness',
    ...human,
    files: [
      { path: 'models/liveness.json', sha256: '9e51c8acf83b80abbf329b2735309ab5c90611c66905ade8b1bd130d473df9c8' },
      { path: 'models/liveness.bin', sha256: 'fc6a6b6b3b9721bdb8bff67a457a15b7cbfd81715cfb27f3e65b757e81dd663e' },
    ],
    input: 'Nx32x32x3 RGB face crop scaled to [0, 1]',
    output: 'two softmax scores; the first is the probability of a live face',
  },
  passiveLiveness: {
    name: 'passiveLiveness',
    package: 'facelock',
    version: '0.1.0',
    format: 'weights',
    files: [
      { path: 'model/weights/passive-liveness.json', sha256: '15468f3f3b84845d949eec1cac1aa43d3bd8ebc9b9a983c692f4594117277f0a' },
      { path: 'model/weights/passive-liveness.bin', sha256: 'f5fb072817841ea0426dbd5455b7763de7cfcf01f7930a50926af8acfa78f1ba' },
    ],
    input:
      'face crop (Human face box) of 48x48 RGB in [0, 1], resized to the net input (32x32), normalised with the saved channel statistics',
    output: 'one logit, higher = live; p(live) = sigmoid(logit / temperature), both in the JSON with the threshold and the training record',
  },
  textureLiveness: {
    name: 'textureLiveness',
    package: 'facelock',
    version: '0.1.0',
    format: 'json',
    files: [{ path: 'model/weights/texture-liveness.json', sha256: 'f28aa01d5bb9155de13dd37fd0e095b356c9399e70038830214ad22a535b203a' }],
    input: 'face crop (Human face box) of `side` (160) px RGB: 590 uniform LBP histogram features (model/liveness/texture/lbpFeatures.ts)',
    output:
      'one logit of a linear model, higher = live; p(live) = sigmoid(logit / temperature), with the threshold and the training record',
  },
};
