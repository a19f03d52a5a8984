import type { CameraMode } from '../../model/quality/faceQuality.js';

/** Approaches of a mode in the window before the door counts as seeing that mode (a stray grey frame is not a night). */
export const MIN_MODE_APPROACHES = 3;

/** The audit log's colour mode of an approach (`mono` is a grey face) as a camera mode. */
const MODE_OF = { colour: 'colour', mono: 'grey' } as const;

/** Approaches per camera mode the door has seen (audit rows; rows with no face have no mode). */
export function modesSeen(rows: readonly { readonly colourMode: 'colour' | 'mono' | null }[]): Record<CameraMode, number> {
  const seen: Record<CameraMode, number> = { colour: 0, grey: 0 };
  for (const r of rows) if (r.colourMode) seen[MODE_OF[r.colourMode]]++;
  return seen;
}

/**
 * The camera modes the door sees (at least MIN_MODE_APPROACHES approaches in the window) that a user has no template
 * of: a door whose camera turns to infrared at night sees both, and a user enrolled by day has no grey template.
 * Templates enrolled before the mode was recorded count for neither.
 */
export function missingModes(
  userModes: Readonly<Partial<Record<CameraMode | 'unknown', number>>>,
  seen: Readonly<Record<CameraMode, number>>,
): CameraMode[] {
  return (['colour', 'grey'] as const).filter((m) => seen[m] >= MIN_MODE_APPROACHES && !userModes[m]);
}

/** What to do about a missing mode, for the person enrolling. */
export function modePrompt(mode: CameraMode, name: string, seen: Readonly<Record<CameraMode, number>>, days: number): string {
  const when = mode === 'grey' ? 'at night, under the infrared light' : 'by day, in colour';
  return `no ${mode} template: the door saw ${seen[mode]} ${mode} approaches in ${days} days; enroll ${when} too: facelock enroll add "${name}" --add`;
}
