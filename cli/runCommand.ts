import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import type { FacelockConfig } from '../device/config/configSchema.js';
import { checkConfigFiles } from '../device/config/filePermissions.js';
import { DEFAULT_CONFIG_FILE } from '../device/config/loadConfig.js';
import { checkNamedPaths } from '../device/config/namedPaths.js';
import { runDaemon } from '../device/main.js';
import { type CliContext, runCommand } from './cliContext.js';
import { configWithPaths, type ResolvedPaths } from './storePaths.js';

/** `facelock run` and `facelock config check`. */
export function registerRun(program: Command, context: () => CliContext): void {
  program
    .command('run')
    .description('watch the door: camera -> motion -> face -> liveness -> match -> k-of-n decision -> lock')
    .option('--config <file>', `config file (YAML); default ${DEFAULT_CONFIG_FILE}, all defaults when absent`)
    .addHelpText(
      'after',
      '\nLogs go to stdout (journald). Exit status: 0 stopped, 3 bad config, 5 model fault, 6 camera fault, 8 store or key fault at start (a disk that fills while running is logged, and the door refuses unlocks it cannot record).',
    )
    .action(async (opts: { config?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { config, from, file } = resolvedConfig(ctx, opts.config);
        return runDaemon(config, from, file);
      });
      // the daemon has locked the door and let its hardware go: nothing left (a retry timer, a stuck child) may keep
      // a stopped daemon alive
      process.exit(process.exitCode ?? 0);
    });
  program
    .command('config')
    .description('configuration')
    .command('check')
    .description(
      'validate a config file and every file and folder it names (exists, right kind, readable by this user and by no one else; the key file, the state folder, a replay source), and print it with every default filled in',
    )
    .option('--config <file>', `config file; default ${DEFAULT_CONFIG_FILE}`)
    .action(async (opts: { config?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { config, from, file } = resolvedConfig(ctx, opts.config);
        checkNamedPaths(config);
        if (!file) ctx.progress(`no config file at ${DEFAULT_CONFIG_FILE}: every setting is its default (pass --config FILE)`);
        ctx.progress(`state ${config.stateDir} (from ${from.stateDir}), key ${config.keyFile} (from ${from.keyFile})`);
        ctx.print(ctx.options.json ? JSON.stringify(config) : JSON.stringify(config, null, 2));
        return ExitCode.ok;
      });
    });
}

/**
 * The config, and every file it names that decides who gets in, readable by this user and changeable by no one else;
 * its state folder and key file as every command resolves them (cli/storePaths.ts: flag, environment, config, default).
 */
function resolvedConfig(
  ctx: CliContext,
  file: string | undefined,
): { config: Readonly<FacelockConfig>; from: ResolvedPaths['from']; file: string | undefined } {
  const { config, read, paths } = configWithPaths(ctx.options.givenPaths, file);
  checkConfigFiles(read, config);
  return { config, from: paths.from, file: read };
}
