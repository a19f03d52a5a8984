import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { ratesByCondition, readGreyFaceSet } from './greyFaceSets.js';

const yale = datasetForTests('yale', 'reading the Yale grey faces by light condition');
const orl = datasetForTests('orl', 'reading the ORL grey faces');

describe.runIf(yale && orl)('grey face sets on disk', () => {
  it('reads Yale by condition (enrolled from normal) and ORL by person (enrolled from 1.pgm), from the folder or its parent', () => {
    const y = readGreyFaceSet(join(yale as string, '..'));
    expect(y).toMatchObject({ name: 'yale', enrolledFrom: 'normal (ambient frontal light)' });
    expect(y.faces).toHaveLength(164);
    expect(new Set(y.faces.map((f) => f.identity)).size).toBe(15);
    expect(y.faces.filter((f) => f.enrol)).toHaveLength(15);
    expect(y.faces.filter((f) => f.condition === 'light from the left')).toHaveLength(15);
    const o = readGreyFaceSet(orl as string);
    expect(o.name).toBe('orl');
    expect(o.faces).toHaveLength(400);
    expect(o.faces.filter((f) => f.enrol)).toHaveLength(40);
    expect(() => readGreyFaceSet(join(yale as string, 'subject01.normal'))).toThrow(/is not a folder of grey faces/);
    expect(() => readGreyFaceSet(join(orl as string, 's1'))).toThrow(/neither Yale files .* nor ORL folders/);
  });
});

describe('rates by condition', () => {
  it('compares each probe with its enrolment picture and with everyone else, a missed face rejected and never accepted', () => {
    const set = {
      name: 'yale' as const,
      dir: '/x',
      enrolledFrom: 'normal',
      faces: [
        { path: 'a0', identity: 'a', condition: 'front', enrol: true },
        { path: 'a1', identity: 'a', condition: 'left', enrol: false },
        { path: 'a2', identity: 'a', condition: 'left', enrol: false },
        { path: 'b0', identity: 'b', condition: 'front', enrol: true },
        { path: 'b1', identity: 'b', condition: 'left', enrol: false },
      ],
    };
    const e = (x: number) => Float32Array.of(x);
    // similarity: 1 - |x - y|; a's pictures near 0, b's near 1; a2 has no face
    const embeddings = [e(0), e(0.1), undefined, e(1), e(0.5)];
    const sim = (x: Float32Array, y: Float32Array) => 1 - Math.abs((x[0] as number) - (y[0] as number));
    const [at] = ratesByCondition(set, embeddings, sim, { strict: 0.62 });
    expect(at?.rows).toEqual([
      // a1 matches a0 (0.9); a2 has no face: rejected; b1 vs b0 = 0.5: rejected
      // impostor pairs of left probes: a1 vs b0, b1 (0.1, 0.6: not above 0.62); a2 vs b0, b1 (no face); b1 vs a0, a1, a2 (0.5, 0.6, none)
      { condition: 'left', genuine: 3, frr: 2 / 3, impostorPairs: 7, far: 0 },
    ]);
    const [loose] = ratesByCondition(set, embeddings, sim, { loose: 0.45 });
    expect(loose?.rows[0]).toMatchObject({ frr: 1 / 3, far: 3 / 7 });
  });
});
