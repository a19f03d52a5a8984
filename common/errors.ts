/** Exit codes of the `facelock` executable; each names a fault domain so scripts and systemd can tell them apart. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  input: 4,
  model: 5,
  camera: 6,
  lock: 7,
  store: 8,
  noMatch: 10,
  refused: 11,
} as const;

export type ErrorCode =
  | 'image_unreadable'
  | 'image_too_small'
  | 'image_too_large'
  | 'file_missing'
  | 'model_integrity'
  | 'model_missing'
  | 'backend_unavailable'
  | 'dataset_invalid'
  | 'key_missing'
  | 'key_insecure'
  | 'key_wrong'
  | 'key_exists'
  | 'store_tampered'
  | 'store_unavailable'
  | 'user_invalid'
  | 'user_exists'
  | 'user_unknown'
  | 'backup_invalid'
  | 'enroll_rejected'
  | 'camera_unavailable'
  | 'config_invalid'
  | 'lock_fault'
  | 'usage';

/** Base of every expected fault; `code` is a literal so callers can switch on it. */
export class FacelockError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class ImageError extends FacelockError {
  readonly file: string;
  constructor(
    code: 'image_unreadable' | 'image_too_small' | 'image_too_large' | 'file_missing',
    file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${file}: ${message}`, ExitCode.input, options);
    this.file = file;
  }
}

export class ModelError extends FacelockError {
  constructor(code: 'model_integrity' | 'model_missing' | 'backend_unavailable', message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.model, options);
  }
}

export class DatasetError extends FacelockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dataset_invalid', message, ExitCode.input, options);
  }
}

export class StoreError extends FacelockError {
  constructor(
    code: 'key_missing' | 'key_insecure' | 'key_wrong' | 'key_exists' | 'store_tampered' | 'store_unavailable' | 'backup_invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, ExitCode.store, options);
  }
}

/** A refusal of what the user asked for (a name, a duplicate face, images that pass no quality gate). */
export class EnrollError extends FacelockError {
  constructor(code: 'user_invalid' | 'user_exists' | 'user_unknown' | 'enroll_rejected', message: string) {
    super(code, message, ExitCode.refused);
  }
}

/** A command given without what it needs (beyond what commander checks itself). */
export class UsageError extends FacelockError {
  constructor(message: string) {
    super('usage', message, ExitCode.usage);
  }
}

export class ConfigError extends FacelockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_invalid', message, ExitCode.config, options);
  }
}

export class LockError extends FacelockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('lock_fault', message, ExitCode.lock, options);
  }
}

export class CameraError extends FacelockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('camera_unavailable', message, ExitCode.camera, options);
  }
}

/** One line describing any thrown value, for logs and CLI output. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
