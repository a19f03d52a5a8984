import { EnrollError } from '../../common/errors.js';
import type { CameraMode } from '../../model/quality/faceQuality.js';

export type { CameraMode };

/** The conditions a template was captured under (no image, nothing identifying). */
export interface CaptureConditions {
  readonly poseBin: string;
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  readonly luminance: number;
  readonly contrast: number;
  readonly sharpness: number;
  readonly faceSize: number;
  /**
   * The camera mode of the frame: colour, or grey (an infrared camera, or a frame with no colour); absent for
   * templates enrolled before it was recorded.
   */
  readonly cameraMode?: CameraMode;
}

export interface NewTemplate {
  readonly embedding: Float32Array;
  readonly embedder: string;
  readonly source: 'images' | 'camera' | 'import';
  readonly conditions: CaptureConditions;
}

export interface UserSummary {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly templates: number;
  /** Templates per pose bin. */
  readonly coverage: Readonly<Record<string, number>>;
  /** The identity networks the user's templates were made with (templates match only embeddings of the same one). */
  readonly embedders: readonly string[];
  /** Templates per camera mode they were captured in (`unknown`: enrolled before the mode was recorded). */
  readonly cameraModes: Readonly<Partial<Record<CameraMode | 'unknown', number>>>;
}

export interface StoredTemplate {
  readonly id: string;
  readonly userId: number;
  /** The user's random identifier (never reused, unlike a row id): what the template's seal is bound to. */
  readonly userUid: string;
  readonly userName: string;
  readonly embedder: string;
  readonly embedding: Float32Array;
  readonly source: string;
  readonly createdAt: string;
  readonly conditions: CaptureConditions;
}

export const MAX_NAME_LENGTH = 64;

/** A user name: 1-64 characters, no control characters, no leading or trailing space. */
export function validateName(name: string): string {
  if (name.trim() === '') throw new EnrollError('user_invalid', 'the user name is empty: give a name such as "alice"');
  if (name !== name.trim()) throw new EnrollError('user_invalid', `the user name "${name}" starts or ends with white space`);
  if ([...name].length > MAX_NAME_LENGTH)
    throw new EnrollError('user_invalid', `the user name is ${[...name].length} characters long; at most ${MAX_NAME_LENGTH} are allowed`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new EnrollError('user_invalid', 'the user name contains control characters');
  return name;
}

/**
 * The templates an engine can match (made with its embedder), and the users left with none of them: they must be
 * enrolled again, with the message that says how.
 */
export function templatesFor<T extends { readonly userName: string; readonly embedder: string }>(
  templates: readonly T[],
  embedder: string,
): { readonly usable: T[]; readonly stale: string[]; readonly advice: string | undefined } {
  const usable = templates.filter((t) => t.embedder === embedder);
  const current = new Set(usable.map((t) => t.userName));
  const stale = [...new Set(templates.filter((t) => !current.has(t.userName)).map((t) => t.userName))].sort();
  const others = [...new Set(templates.filter((t) => t.embedder !== embedder).map((t) => t.embedder))].sort();
  const advice =
    stale.length === 0
      ? undefined
      : `${stale.join(', ')}: enrolled with ${others.join(', ')}, but the engine runs ${embedder}; templates of another network are never matched. Enroll again: facelock enroll add NAME --replace (in front of the camera, or --images DIR)`;
  return { usable, stale, advice };
}
