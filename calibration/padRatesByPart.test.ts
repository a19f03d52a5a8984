import { describe, expect, it } from 'vitest';
import { padRatesByPart, type ScoredPresentation } from './padRatesByPart.js';

/** Frames of one recording: `scores[i]` is frame i's p(live), undefined where no face was found. */
function recording(part: string, attack: boolean, name: string, scores: (number | undefined)[]): ScoredPresentation[] {
  return scores.map((score, frame) => ({
    file: `${name}_${frame}.jpg`,
    attack,
    subject: name.slice(0, 4),
    session: '02',
    ...(attack ? { species: 'printed photo' } : {}),
    sequence: `${attack ? 'attack' : 'live'}:${name}`,
    frame,
    part,
    score,
  }));
}

describe('presentation-attack rates per part of the split', () => {
  it('counts per frame and per approach of n frames (k of n live), a missed face never accepted', () => {
    const scored = [
      ...recording('dev', true, '0004_a', [0.9, 0.9, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), // accepted in its first window
      ...recording('dev', false, '0004_b', [0.9, undefined, 0.9, undefined, undefined, 0.9, 0.9, 0.9, 0.2, 0.2]),
      ...recording('train', true, '0001_c', [0.1, 0.1, 0.1, 0.1, 0.1]),
    ];
    const rows = padRatesByPart(scored, 0.5, { k: 3, n: 5 });
    expect(rows.map((r) => `${r.part}/${r.level}`)).toEqual(['train/frame', 'train/approach', 'dev/frame', 'dev/approach']);
    const dev = (level: string) => rows.find((r) => r.part === 'dev' && r.level === level)?.rates;
    expect(dev('frame')?.worst?.apcer).toMatchObject({ count: 3, of: 10 });
    expect(dev('frame')?.bpcer).toMatchObject({ count: 5, of: 10 });
    // windows [0-4] and [5-9]: the attack passes 3 of 5 once; the live one fails its first window, passes its second
    expect(dev('approach')?.worst?.apcer).toMatchObject({ count: 1, of: 2 });
    expect(dev('approach')?.bpcer).toMatchObject({ count: 1, of: 2 });
    expect(rows.find((r) => r.part === 'dev')?.recordings).toBe(2);
  });
});
