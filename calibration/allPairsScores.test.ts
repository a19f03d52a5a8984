import { describe, expect, it } from 'vitest';
import { allPairsScores } from './allPairsScores.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);

describe('allPairsScores', () => {
  it('splits all pairs into genuine and impostor and scores missed faces as rejects', () => {
    const e = (x: number, y: number) => Float32Array.from([x, y]);
    const scores = allPairsScores(
      [
        { identity: 'a', embedding: e(1, 0) },
        { identity: 'a', embedding: e(0.6, 0.8) },
        { identity: 'b', embedding: e(0, 1) },
        { identity: 'b', embedding: undefined },
      ],
      dot,
    );
    expect(Array.from(scores.genuine)).toEqual([expect.closeTo(0.6), Number.NEGATIVE_INFINITY]);
    expect(Array.from(scores.impostor)).toEqual([0, Number.NEGATIVE_INFINITY, expect.closeTo(0.8), Number.NEGATIVE_INFINITY]);
    expect(scores.failedToEnrol).toBe(1);
  });
});
