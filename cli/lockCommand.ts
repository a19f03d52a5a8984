import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../device/config/loadConfig.js';
import { createLock } from '../device/lock/createLock.js';
import { type CliContext, runCommand } from './cliContext.js';

/** `facelock lock release`: drives the relay inactive and lets it go (systemd's ExecStopPost, and by hand). */
export function registerLock(program: Command, context: () => CliContext): void {
  program
    .command('lock')
    .description('the lock relay')
    .command('release')
    .description('drive the relay inactive (locked) and release the line: run by systemd after the daemon stops, however it stopped')
    .option('--config <file>', `config file; default ${DEFAULT_CONFIG_FILE}`)
    .addHelpText('after', '\nExit status: 0 the relay is inactive, 3 bad config, 7 the relay could not be driven.')
    .action(async (opts: { config?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const config = loadConfigFile(opts.config ?? DEFAULT_CONFIG_FILE, { required: opts.config !== undefined });
        // opening a driver already holds the line inactive; lock() and close() make it explicit and let it go
        const lock = await createLock(config.lock, ctx.log.child('lock'));
        await lock.lock();
        await lock.close?.();
        ctx.print(
          ctx.options.json
            ? JSON.stringify({ released: true, driver: lock.name, line: config.lock.line })
            : `relay ${config.lock.line} driven inactive and released (${lock.name})`,
        );
        return ExitCode.ok;
      });
    });
}
