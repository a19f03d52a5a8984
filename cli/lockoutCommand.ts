import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import { type CliContext, runCommand, withStore } from './cliContext.js';

/** `facelock lockout show|clear`: the face lockout and the wrong-code throttle the daemon keeps in the database. */
export function registerLockout(program: Command, context: () => CliContext): void {
  const lockout = program
    .command('lockout')
    .description('the lockouts after failed faces (face) and wrong remote-command codes (code), kept across restarts');
  lockout
    .command('show')
    .description('consecutive failures and the seconds each lockout has left')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const rows = store.throttles().list();
          if (ctx.options.json) ctx.print(JSON.stringify(rows));
          else if (rows.length === 0) ctx.print('no failed attempts recorded');
          else
            for (const r of rows)
              ctx.print(`${r.name}: ${r.failures} failure(s) in a row, ${r.remainingSeconds} s left (last change ${r.updatedAt})`);
          return ExitCode.ok;
        }),
      );
    });
  lockout
    .command('clear')
    .description('forget the failures and end the lockouts; stop the daemon first (a running one keeps its own count)')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const n = store.throttles().clear();
          ctx.print(ctx.options.json ? JSON.stringify({ cleared: n }) : `cleared ${n} lockout record(s)`);
          return ExitCode.ok;
        }),
      );
    });
}
