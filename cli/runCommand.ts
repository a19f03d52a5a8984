import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import type { FacelockConfig } from '../device/config/configSchema.js';
import { checkConfigFiles } from '../device/config/filePermissions.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../device/config/loadConfig.js';
import { runDaemon } from '../device/main.js';
import { type CliContext, runCommand } from './cliContext.js';

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
      await runCommand(ctx, async () => runDaemon(checkedConfig(opts.config)));
      // the daemon has locked the door and let its hardware go: nothing left (a retry timer, a stuck child) may keep
      // a stopped daemon alive
      process.exit(process.exitCode ?? 0);
    });
  program
    .command('config')
    .description('configuration')
    .command('check')
    .description(
      'validate a config file and the files it names (readable by this user, by no one else), and print it with every default filled in',
    )
    .option('--config <file>', `config file; default ${DEFAULT_CONFIG_FILE}`)
    .action(async (opts: { config?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const config = checkedConfig(opts.config);
        ctx.print(ctx.options.json ? JSON.stringify(config) : JSON.stringify(config, null, 2));
        return ExitCode.ok;
      });
    });
}

/** The config, and every file it names that decides who gets in, readable by this user and changeable by no one else. */
function checkedConfig(file: string | undefined): Readonly<FacelockConfig> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  const config = loadConfigFile(path, { required: file !== undefined });
  checkConfigFiles(file !== undefined || existsSync(path) ? path : undefined, config);
  return config;
}
