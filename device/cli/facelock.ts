#!/usr/bin/env node
import { Command, Option } from 'commander';
import type { LogLevel } from '../../common/logger.js';
import type { BackendChoice } from '../../model/backend.js';
import { type CliContext, createCliContext } from './cliContext.js';
import { registerCompare } from './compareCommand.js';
import { registerInspect } from './inspectCommand.js';

interface RootOptions {
  backend: BackendChoice;
  logLevel: LogLevel;
  json: boolean;
}

const program = new Command('facelock')
  .description('face-verification door lock: compare and inspect faces (more subcommands land with their issues)')
  .addOption(
    new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto').env('FACELOCK_BACKEND'),
  )
  .addOption(
    new Option('--log-level <level>', 'log level (logs go to stderr)')
      .choices(['debug', 'info', 'warn', 'error', 'silent'])
      .default('warn'),
  )
  .option('--json', 'machine-readable output on stdout, one JSON object per line', false)
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) exit 2; --help and --version exit 0
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

const context = (): CliContext => {
  const o = program.opts<RootOptions>();
  return createCliContext({ backend: o.backend, logLevel: o.logLevel, json: o.json });
};

registerCompare(program, context);
registerInspect(program, context);

await program.parseAsync(process.argv);
