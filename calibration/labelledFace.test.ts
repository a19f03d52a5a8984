import { describe, expect, it } from 'vitest';
import { labelledFace } from './labelledFace.js';

const box = (x: number, y: number, side: number) => ({ x, y, width: side, height: side });

describe('the labelled face of an image', () => {
  it('is the face nearest the image centre, not the largest: a bystander is not the person the label names', () => {
    const faces = [box(150, 10, 120), box(80, 80, 90), box(0, 150, 60)];
    expect(labelledFace(faces, (f) => f, { width: 250, height: 250 })).toBe(faces[1]);
  });

  it('is the only face when there is one, wherever it is, and none when there is none', () => {
    const only = box(0, 0, 40);
    expect(labelledFace([only], (f) => f, { width: 640, height: 480 })).toBe(only);
    expect(labelledFace([], (f: ReturnType<typeof box>) => f, { width: 640, height: 480 })).toBeUndefined();
  });
});
