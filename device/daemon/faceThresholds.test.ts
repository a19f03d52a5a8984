import { describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { DEFAULT_GREY_THRESHOLDS } from '../../model/defaultThresholds.js';
import { parseConfig } from '../config/loadConfig.js';
import { thresholdFor } from '../pipeline/doorStages.js';
import { faceThresholds } from './faceThresholds.js';

const logged = () => {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'info', write: (l) => lines.push(l) }) };
};
const colourCamera = parseConfig({ camera: { kind: 'rpicam' } }, 'test');
const infrared = parseConfig({ camera: { kind: 'rpicam', infrared: true } }, 'test');
const factoryGrey = DEFAULT_GREY_THRESHOLDS.faceplugin as number;

describe("the door's operating points", () => {
  it("uses the calibration's grey threshold when it has one, and says so", () => {
    const { lines, log } = logged();
    const t = faceThresholds(infrared, { threshold: 0.42, greyThreshold: 0.51 }, 'faceplugin', log);
    expect(t).toEqual({ colour: 0.42, grey: 0.51, greyCamera: true });
    expect(lines.join('\n')).toMatch(/operating points camera="grey \(infrared\).*colour=0\.4200 grey=0\.5100 greyFrom=calibration/);
    expect(lines.join('\n')).not.toMatch(/only a colour calibration/);
  });

  it('on a grey camera with only a colour calibration: the stricter threshold and a warning naming the command', () => {
    const { lines, log } = logged();
    const t = faceThresholds(infrared, { threshold: 0.3 }, 'faceplugin', log);
    expect(t.grey).toBe(Math.max(0.3, factoryGrey));
    expect(t.grey).toBeGreaterThan(0.3);
    expect(lines.join('\n')).toMatch(/WARN .*a grey camera with only a colour calibration.*facelock calibrate --pairs DIR --grey/);
    // a colour threshold already stricter than the factory grey one is kept
    expect(faceThresholds(colourCamera, { threshold: 0.9 }, 'faceplugin', logged().log).grey).toBe(0.9);
  });

  it('judges every frame of an infrared camera grey, and on a colour camera only the colourless faces', () => {
    const t = { colour: 0.42, grey: 0.5, greyCamera: false };
    expect(thresholdFor(t, { colourfulness: 40 } as never)).toEqual({ mode: 'colour', threshold: 0.42 });
    expect(thresholdFor(t, { colourfulness: 1.5 } as never)).toEqual({ mode: 'grey', threshold: 0.5 });
    expect(thresholdFor({ ...t, greyCamera: true }, { colourfulness: 40 } as never)).toEqual({ mode: 'grey', threshold: 0.5 });
  });
});
