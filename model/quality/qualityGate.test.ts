import { describe, expect, it } from 'vitest';
import type { Face } from '../faceTypes.js';
import { FRONTAL_PITCH } from '../poseBins.js';
import type { FaceQuality } from './faceQuality.js';
import { checkQuality, DOOR_QUALITY_LIMITS, ENROLL_QUALITY_LIMITS } from './qualityGate.js';

const GOOD: FaceQuality = { luminance: 120, contrast: 40, sharpness: 60, clipped: 0, lightSide: 0, colourfulness: 20 };

function face(width: number, pose = { yaw: 0, pitch: FRONTAL_PITCH, roll: 0 }, eyes = { left: 0.3, right: 0.3 }): Face {
  return { box: { x: 0, y: 0, width, height: width }, pose, eyes } as unknown as Face;
}

describe('the one quality gate', () => {
  it('passes a good face at the door and at enrollment, and returns its measurements', () => {
    for (const limits of [DOOR_QUALITY_LIMITS, ENROLL_QUALITY_LIMITS])
      expect(checkQuality(face(100), () => GOOD, limits)).toEqual({ ok: true, quality: GOOD });
  });

  it('checks the size before measuring the crop', () => {
    let measured = 0;
    const v = checkQuality(
      face(20),
      () => {
        measured++;
        return GOOD;
      },
      DOOR_QUALITY_LIMITS,
    );
    expect(v).toMatchObject({ ok: false, reason: 'too_small' });
    expect(measured).toBe(0);
  });

  it('is looser at the door than at enrollment: the same face passes one and not the other, for the right reason', () => {
    const cases: [Face, FaceQuality, string][] = [
      [face(55), GOOD, 'too_small'],
      [face(100), { ...GOOD, luminance: 35 }, 'too_dark'],
      [face(100), { ...GOOD, luminance: 225 }, 'too_bright'],
      [face(100), { ...GOOD, contrast: 5 }, 'low_contrast'],
      [face(100), { ...GOOD, sharpness: 12 }, 'blurred'],
      [face(100, { yaw: 40, pitch: FRONTAL_PITCH, roll: 0 }), GOOD, 'off_pose'],
      [face(100, { yaw: 0, pitch: FRONTAL_PITCH + 30, roll: 0 }), GOOD, 'off_pose'],
      [face(100, undefined, { left: 0.02, right: 0.3 }), GOOD, 'eyes_closed'],
    ];
    for (const [f, q, reason] of cases) {
      expect(checkQuality(f, () => q, DOOR_QUALITY_LIMITS).ok, reason).toBe(true);
      expect(
        checkQuality(f, () => q, ENROLL_QUALITY_LIMITS),
        reason,
      ).toMatchObject({ ok: false, reason, ...(reason === 'too_small' ? {} : { quality: q }) });
    }
  });

  it('says a face that cannot be measured is no face, and names the limit in each reason', () => {
    expect(checkQuality(face(100), () => undefined, ENROLL_QUALITY_LIMITS)).toMatchObject({ ok: false, reason: 'no_face' });
    const dark = checkQuality(face(100), () => ({ ...GOOD, luminance: 10 }), DOOR_QUALITY_LIMITS);
    expect(dark).toMatchObject({ ok: false, reason: 'too_dark', detail: 'face luminance 10 < 30: add light' });
  });
});
