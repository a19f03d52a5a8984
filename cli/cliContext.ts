import { describeError, ExitCode, FacelockError } from '../common/errors.js';
import { createLogger, type Logger, type LogLevel } from '../common/logger.js';
import { openTemplateStore, type StorePaths } from '../device/store/openStore.js';
import type { TemplateStore } from '../device/store/templateStore.js';
import type { BackendChoice } from '../model/backend.js';
import { DEFAULT_ENGINE_CONFIG, type EmbedderName, type LoadedEngine, loadFaceEngine } from '../model/loadFaceEngine.js';
import type { GivenPath, ResolvedPaths } from './storePaths.js';

/** Options every subcommand shares. */
export interface GlobalOptions {
  readonly backend: BackendChoice;
  readonly embedder: EmbedderName;
  /** Whether --embedder (or FACELOCK_EMBEDDER) was given, rather than left at its default. */
  readonly embedderGiven?: boolean;
  readonly logLevel: LogLevel;
  readonly json: boolean;
  /** The state folder and key file: a flag, else the environment, else the default config file, else the defaults. */
  readonly paths: ResolvedPaths;
  /** The paths given by flag or environment variable, for a command that resolves them against its own --config. */
  readonly givenPaths: { readonly stateDir?: GivenPath; readonly keyFile?: GivenPath };
}

/** What a subcommand gets: its output channels and the way to build the face engine. */
export interface CliContext {
  readonly options: GlobalOptions;
  readonly log: Logger;
  /** Results: stdout. Logs go to stderr so that `--json` output stays parseable. */
  readonly print: (text: string) => void;
  readonly loadEngine: () => Promise<LoadedEngine>;
  /** Progress lines for a person watching: stderr, and nothing with --json. */
  readonly progress: (text: string) => void;
}

export function createCliContext(options: GlobalOptions): CliContext {
  const log = createLogger({ level: options.logLevel, write: (line) => process.stderr.write(`${line}\n`) });
  return {
    options,
    log,
    print: (text) => process.stdout.write(`${text}\n`),
    progress: (text) => {
      if (!options.json) process.stderr.write(`${text}\n`);
    },
    loadEngine: () =>
      loadFaceEngine({ ...DEFAULT_ENGINE_CONFIG, backend: options.backend, embedder: options.embedder }, log.child('engine')),
  };
}

/** Runs a command body, turning every thrown error into a message on stderr and a distinct exit code. */
export async function runCommand(ctx: CliContext, body: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    code = err instanceof FacelockError ? err.exitCode : ExitCode.failure;
    const message = err instanceof FacelockError ? err.message : `unexpected fault: ${describeError(err)}`;
    if (ctx.options.json) ctx.print(JSON.stringify({ error: { code: err instanceof FacelockError ? err.code : 'fault', message } }));
    process.stderr.write(`facelock: ${message}\n`);
    if (!(err instanceof FacelockError) && err instanceof Error && err.stack) ctx.log.debug(err.stack);
  }
  process.exitCode = code;
}

/** Runs `body` with the template store open, and closes it whatever happens. */
export async function withStore(
  ctx: CliContext,
  body: (store: TemplateStore) => Promise<number> | number,
  /** The paths when the command resolved them against its own --config (cli/storePaths.ts). */
  paths: StorePaths = ctx.options.paths,
): Promise<number> {
  const store = openTemplateStore(paths);
  try {
    return await body(store);
  } finally {
    store.close();
  }
}
