import * as tf from '@tensorflow/tfjs-core';

export interface AugmentOptions {
  /** Smallest crop side, as a fraction of the face crop (the crop is then placed at random and resized). */
  readonly minCrop: number;
  /** Largest rotation in degrees (one angle per batch). */
  readonly maxRotation: number;
  /** Brightness shift and contrast factor ranges: x' = (x - m) c + m + b. */
  readonly brightness: number;
  readonly contrast: number;
  /** Fraction of the batch turned grey (infrared night mode, mono cameras). */
  readonly grey: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { minCrop: 0.85, maxRotation: 10, brightness: 0.1, contrast: 0.2, grey: 0.3 };

/**
 * A randomly changed copy of a batch of face crops [N, S, S, 3] in [0, 1], resized to `size`: random crop and
 * horizontal flip (one cropAndResize; a box with x1 > x2 is a mirror image), a small rotation, brightness and
 * contrast, and some crops turned grey. Every draw comes from `random`, so a seeded generator repeats it exactly.
 */
export function augmentBatch(images: tf.Tensor4D, size: number, o: AugmentOptions, random: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const n = images.shape[0];
    const boxes: number[][] = [];
    const contrast: number[] = [];
    const brightness: number[] = [];
    const grey: number[] = [];
    for (let i = 0; i < n; i++) {
      const side = o.minCrop + (1 - o.minCrop) * random();
      const y1 = (1 - side) * random();
      const x1 = (1 - side) * random();
      boxes.push(random() < 0.5 ? [y1, x1, y1 + side, x1 + side] : [y1, x1 + side, y1 + side, x1]);
      contrast.push(1 + o.contrast * (2 * random() - 1));
      brightness.push(o.brightness * (2 * random() - 1));
      grey.push(random() < o.grey ? 1 : 0);
    }
    let x = tf.image.cropAndResize(
      images,
      tf.tensor2d(boxes),
      tf.tensor1d(
        Array.from({ length: n }, (_, i) => i),
        'int32',
      ),
      [size, size],
    );
    const angle = ((o.maxRotation * Math.PI) / 180) * (2 * random() - 1);
    if (angle !== 0) x = tf.image.rotateWithOffset(x, angle, 0);
    const g = tf.tensor4d(grey, [n, 1, 1, 1]);
    x = tf.add(tf.mul(x, tf.sub(1, g)), tf.mul(tf.mean(x, 3, true), g));
    const mean = tf.mean(x, [1, 2, 3], true);
    x = tf.add(tf.add(tf.mul(tf.sub(x, mean), tf.tensor4d(contrast, [n, 1, 1, 1])), mean), tf.tensor4d(brightness, [n, 1, 1, 1]));
    return tf.clipByValue(x, 0, 1) as tf.Tensor4D;
  });
}
