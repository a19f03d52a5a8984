import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import { initKey, rotateKey } from '../device/store/openStore.js';
import { type CliContext, runCommand } from './cliContext.js';

/** `facelock key init|rotate`: the template key. */
export function registerKey(program: Command, context: () => CliContext): void {
  const key = program.command('key').description('the key that seals face templates at rest (AES-256-GCM)');
  key
    .command('init')
    .description('create the key file (mode 0400); never replaces an existing key')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const file = ctx.options.paths.keyFile;
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const id = initKey(file);
        ctx.print(ctx.options.json ? JSON.stringify({ keyFile: file, keyId: id }) : `created key ${id} in ${file} (mode 0400)`);
        return ExitCode.ok;
      });
    });
  key
    .command('rotate')
    .description('create a new key and re-seal every template with it, in one transaction')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const r = rotateKey(ctx.options.paths);
        ctx.print(ctx.options.json ? JSON.stringify(r) : `re-sealed ${r.templates} template(s) with new key ${r.keyId}`);
        return ExitCode.ok;
      });
    });
}
