import { EnrollError } from '../../common/errors.js';

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
}

export interface StoredTemplate {
  readonly id: string;
  readonly userId: number;
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
