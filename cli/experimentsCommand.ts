import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import { compareExperiments, findExperiment, readExperiments } from '../common/experimentRegistry.js';
import { type CliContext, runCommand } from './cliContext.js';

/**
 * The metrics `experiments list` shows. The door's FRR is there twice, as `calibrate` prints it: at the per-frame
 * threshold (`doorFrr`, the k-of-n rule on frames judged at it) and at the door operating point the report heads
 * with (`doorTargetFrr`, its own threshold for the door FAR asked); one without the other read as a contradiction.
 */
const SHOWN = ['eer', 'tar@1e-3', 'tar@1e-4', 'kfoldAccuracy', 'doorFrr', 'doorTargetFrr', 'apcer', 'bpcer', 'wallSeconds'];

/** `facelock experiments`: the calibration runs recorded in the registry, and a side-by-side comparison of two. */
export function registerExperiments(program: Command, context: () => CliContext): void {
  const cmd = program
    .command('experiments')
    .description('list the recorded calibration runs (config, seed, commit, model and data hashes, metrics) and compare two')
    .option('--registry <file>', 'experiment registry (default <state-dir>/experiments.jsonl)');
  const registryOf = (ctx: CliContext) =>
    resolve(cmd.opts<{ registry?: string }>().registry ?? join(ctx.options.paths.stateDir, 'experiments.jsonl'));
  cmd
    .command('list', { isDefault: true })
    .description('one line per run')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const file = registryOf(ctx);
        const all = readExperiments(file, (line) => ctx.log.warn('a damaged registry line was skipped', { file, line }));
        if (ctx.options.json) for (const e of all) ctx.print(JSON.stringify(e));
        else if (all.length === 0) ctx.print(`no experiments in ${file} yet: run facelock calibrate`);
        else {
          const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(Math.round(v * 1e4) / 1e4));
          ctx.print(['id', 'at', 'commit', 'model', 'seed', ...SHOWN].join('\t'));
          for (const e of all)
            ctx.print([e.id, e.at, e.gitCommit, e.model, String(e.seed), ...SHOWN.map((k) => f(e.metrics[k]))].join('\t'));
        }
        return ExitCode.ok;
      });
    });
  cmd
    .command('compare')
    .description('every metric of two runs, their difference, and what differs in how they were made')
    .argument('<a>', 'experiment id (exp-0001)')
    .argument('<b>', 'experiment id')
    .action(async (a: string, b: string) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const file = registryOf(ctx);
        const all = readExperiments(file);
        const c = compareExperiments(findExperiment(all, a, file), findExperiment(all, b, file));
        if (ctx.options.json) ctx.print(JSON.stringify(c));
        else {
          ctx.print(['metric', a, b, 'difference'].join('\t'));
          for (const row of c.metrics) ctx.print(row.join('\t'));
          ctx.print(
            c.differences.length
              ? `made differently: ${c.differences.join('; ')}`
              : 'made the same way (same model, data, commit, seed, options)',
          );
        }
        return ExitCode.ok;
      });
    });
}
