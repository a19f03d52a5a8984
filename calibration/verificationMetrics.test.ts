import { describe, expect, it } from 'vitest';
import { equalErrorRate, rocAuc, tarAtFar } from './verificationMetrics.js';

// Hand-computed: genuine 0.9 0.8 0.7 0.4; impostor 0.6 0.5 0.3 0.2 0.1.
const genuine = [0.9, 0.8, 0.7, 0.4];
const impostor = [0.6, 0.5, 0.3, 0.2, 0.1];

describe('verification metrics', () => {
  it('AUC counts genuine-over-impostor pairs: 3 genuine beat all 5, 0.4 beats 3 of 5 -> 18/20', () => {
    expect(rocAuc(genuine, impostor)).toBeCloseTo(18 / 20);
  });

  it('AUC gives ties half credit', () => {
    expect(rocAuc([0.5], [0.5])).toBeCloseTo(0.5);
  });

  it('TAR at FAR 0 accepts only above the highest impostor; at FAR 0.2 one impostor may pass', () => {
    expect(tarAtFar(genuine, impostor, 0)).toMatchObject({ threshold: 0.6, tar: 0.75, far: 0, resolvable: false });
    expect(tarAtFar(genuine, impostor, 0.2)).toMatchObject({ threshold: 0.5, tar: 0.75, far: 0.2, resolvable: true });
    expect(tarAtFar(genuine, impostor, 0.4)).toMatchObject({ threshold: 0.3, tar: 1, far: 0.4 });
  });

  it('counts a missed face (score -Infinity) as a reject, never an accept', () => {
    const r = tarAtFar([...genuine, Number.NEGATIVE_INFINITY], [...impostor, Number.NEGATIVE_INFINITY], 0);
    expect(r.tar).toBeCloseTo(3 / 5);
    expect(r.far).toBe(0);
  });

  it('says when a FAR is below what the impostor count resolves', () => {
    expect(tarAtFar(genuine, impostor, 1e-3).resolvable).toBe(false);
  });

  it('EER: at threshold 0.5 FAR is 1/5 and FRR is 1/4, the closest crossing', () => {
    const { eer, threshold } = equalErrorRate(genuine, impostor);
    expect(threshold).toBe(0.5);
    expect(eer).toBeCloseTo((0.2 + 0.25) / 2);
  });
});
