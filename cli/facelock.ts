#!/usr/bin/env node
import { Command, Option } from 'commander';
import type { LogLevel } from '../common/logger.js';
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
  .addOption(new Option('--state-dir <dir>', 'folder of the database').default('/var/lib/facelock').env('FACELOCK_STATE_DIR'))
  .addOption(
    new Option('--key-file <file>', 'template key (a systemd credential facelock.key wins)')
      .default('/etc/facelock/facelock.key')
      .env('FACELOCK_KEY_FILE'),
  )
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) exit 2; --help and --version exit 0
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

const context = (): CliContext => {
  const o = program.opts<RootOptions>();
  return createCliContext({
    backend: o.backend,
    embedder: o.embedder,
    embedderGiven: program.getOptionValueSource('embedder') !== 'default',
    logLevel: o.logLevel,
    json: o.json,
    paths: { stateDir: o.stateDir, keyFile: o.keyFile },
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
