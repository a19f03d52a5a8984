import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/loadConfig.js';
import { minLiveness } from './buildDoorPipeline.js';

const engine = { liveThreshold: 0.59, passiveThreshold: 0.73 };
const config = (liveness: object, decision: object = {}) => parseConfig({ liveness, decision }, 'test');

describe('the liveness threshold the door uses', () => {
  it('takes liveness.minProbability first, then the calibration file measured for the same model, then the model file', () => {
    const measured = { liveness: { model: 'texture', threshold: 0.61 } };
    expect(minLiveness(config({ minProbability: 0.7 }), engine, measured)).toEqual({ threshold: 0.7, from: 'config' });
    expect(minLiveness(config({}), engine, measured)).toEqual({ threshold: 0.61, from: 'calibration' });
    expect(minLiveness(config({}), engine)).toEqual({ threshold: 0.59, from: 'model' });
    // a calibration measured for another model says nothing about this one
    expect(minLiveness(config({ model: 'trained' }), engine, measured)).toEqual({ threshold: 0.73, from: 'model' });
    expect(minLiveness(config({ model: 'shipped' }, { minAntispoof: 0.6 }), engine, measured)).toEqual({ threshold: 0.6, from: 'config' });
  });
});
