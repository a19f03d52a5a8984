#!/usr/bin/env node
import { Command, Option } from 'commander';
import type { LogLevel } from '../common/logger.js';
import { DEFAULT_STORE_PATHS } from '../device/store/openStore.js';
import { BACKEND_CHOICES, type BackendChoice } from '../model/backend.js';
import { DEFAULT_ENGINE_CONFIG, EMBEDDERS, type EmbedderName } from '../model/loadFaceEngine.js';
import { registerCalibrate } from './calibrateCommand.js';
import { type CliContext, createCliContext } from './cliContext.js';
import { registerCompare } from './compareCommand.js';
import { registerCoverage } from './coverageCommand.js';
import { registerEnroll } from './enrollCommand.js';
import { registerExperiments } from './experimentsCommand.js';
import { registerInspect } from './inspectCommand.js';
import { registerKey } from './keyCommand.js';
import { registerLock } from './lockCommand.js';
import { registerLockout } from './lockoutCommand.js';
import { registerRun } from './runCommand.js';
import { type GivenPath, type ResolvedPaths, storePathsOf } from './storePaths.js';
import { registerTrain } from './trainCommand.js';

interface RootOptions {
  backend: BackendChoice;
  embedder: EmbedderName;
  logLevel: LogLevel;
  json: boolean;
  stateDir: string;
  keyFile: string;
}

const program = new Command('facelock')
  .description('face-verification door lock: watch the door (run), enroll users, calibrate the threshold, compare and inspect faces')
  .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES).default('auto').env('FACELOCK_BACKEND'))
  .addOption(
    new Option('--embedder <name>', "identity network (enroll with the daemon's engine.embedder: templates of another never match)")
      .choices(EMBEDDERS)
      .default(DEFAULT_ENGINE_CONFIG.embedder)
      .env('FACELOCK_EMBEDDER'),
  )
  .addOption(
    new Option('--log-level <level>', 'log level (logs go to stderr)')
      .choices(['debug', 'info', 'warn', 'error', 'silent'])
      .default('warn'),
  )
  .option('--json', 'machine-readable output on stdout, one JSON object per line', false)
  .addOption(
    new Option('--state-dir <dir>', "folder of the database (else the config file's stateDir)")
      .default(DEFAULT_STORE_PATHS.stateDir)
      .env('FACELOCK_STATE_DIR'),
  )
  .addOption(
    new Option('--key-file <file>', "template key (else the config file's keyFile; a systemd credential facelock.key wins)")
      .default(DEFAULT_STORE_PATHS.keyFile)
      .env('FACELOCK_KEY_FILE'),
  )
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) exit 2; --help and --version exit 0
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

/** The state folder and key file as the person gave them: by flag or environment variable, else not given. */
const givenPaths = (): { stateDir?: GivenPath; keyFile?: GivenPath } => {
  const o = program.opts<RootOptions>();
  const given = (key: 'stateDir' | 'keyFile'): GivenPath | undefined => {
    const source = program.getOptionValueSource(key);
    return source === 'cli' || source === 'env' ? { value: o[key], source: source === 'cli' ? 'flag' : 'environment' } : undefined;
  };
  const stateDir = given('stateDir');
  const keyFile = given('keyFile');
  return { ...(stateDir ? { stateDir } : {}), ...(keyFile ? { keyFile } : {}) };
};

const context = (): CliContext => {
  const o = program.opts<RootOptions>();
  const given = givenPaths();
  let resolved: ResolvedPaths | undefined;
  return createCliContext({
    backend: o.backend,
    embedder: o.embedder,
    embedderGiven: program.getOptionValueSource('embedder') !== 'default',
    logLevel: o.logLevel,
    json: o.json,
    givenPaths: given,
    // resolved when first used (a command that never opens the store never reads the config); a command with a
    // --config of its own resolves them against that file instead
    get paths() {
      resolved ??= storePathsOf(given);
      return resolved;
    },
  });
};

registerCompare(program, context);
registerInspect(program, context);
registerEnroll(program, context);
registerKey(program, context);
registerLock(program, context);
registerLockout(program, context);
registerRun(program, context);
registerCoverage(program, context);
registerCalibrate(program, context);
registerExperiments(program, context);
registerTrain(program, context);

await program.parseAsync(process.argv);
