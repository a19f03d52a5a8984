import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import type { FacelockConfig } from '../device/config/configSchema.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../device/config/loadConfig.js';
import { selectBackend } from '../model/backend.js';
import { DEFAULT_NET } from '../model/liveness/passive/passiveNet.js';
import { DEFAULT_AUGMENT } from '../training/liveness/augment.js';
import { DEFAULT_TRAIN, DEFAULT_TRAIN_LIVENESS } from '../training/liveness/trainingDefaults.js';
import { renderTrainingReportHtml } from '../training/liveness/trainingReportHtml.js';
import type { TrainLivenessOptions, TrainLivenessReport } from '../training/liveness/trainLiveness.js';
import { type CliContext, runCommand } from './cliContext.js';
import { rate, wholeNumber } from './optionParsers.js';

interface TrainOptions {
  attacks: string;
  config?: string;
  bonaFide: string[];
  check: string[];
  out: string;
  report: string;
  registry?: string;
  seed: number;
  coarse: number;
  coarseEpochs: number;
  fine: number;
  epochs: number;
  curve: boolean;
  targetBpcer: number;
  textureSide: number;
}

/** `facelock train liveness`: the passive presentation-attack model, trained, searched, calibrated and saved. */
export function registerTrain(program: Command, context: () => CliContext): void {
  const train = program.command('train').description('train facelock’s own models');
  train
    .command('liveness')
    .description('train the passive presentation-attack classifier on NUAA-format data; writes the model, report.html and registry entries')
    .requiredOption('--attacks <dir>', 'NUAA-format folder (client_*.txt, imposter_*.txt, ClientRaw/, ImposterRaw/), split by subject')
    .option(
      '--bona-fide <dir>',
      'live faces from other cameras (one folder per person, or files PERSON.condition), split by person into train, dev and check (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--check <dir>', 'live faces only measured, never trained on (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option(
      '--config <file>',
      `daemon config for the door's k of n, used in the approach-level rates (default ${DEFAULT_CONFIG_FILE} when it exists)`,
    )
    .option('--out <dir>', 'where the model files go', 'facelock-liveness-model')
    .option('--report <dir>', 'where report.html and report.json go', 'facelock-liveness-report')
    .option('--registry <file>', 'experiment registry (default <state-dir>/experiments.jsonl)')
    .option('--seed <n>', 'seed of weights, batches, augmentation and search', wholeNumber('--seed', 1), 1)
    .option('--coarse <n>', 'coarse search trials', wholeNumber('--coarse', 0), DEFAULT_TRAIN_LIVENESS.search.coarseTrials)
    .option(
      '--coarse-epochs <n>',
      'epochs of a coarse trial',
      wholeNumber('--coarse-epochs', 1),
      DEFAULT_TRAIN_LIVENESS.search.coarseEpochs,
    )
    .option('--fine <n>', 'fine search trials (run to early stopping)', wholeNumber('--fine', 1), DEFAULT_TRAIN_LIVENESS.search.fineTrials)
    .option('--epochs <n>', 'most epochs of a fine trial', wholeNumber('--epochs', 1), DEFAULT_TRAIN.maxEpochs)
    .option('--no-curve', 'skip the learning curve (its smaller training sets)')
    .option('--target-bpcer <rate>', 'bona fide rejection rate on dev to pick the threshold for', rate, DEFAULT_TRAIN_LIVENESS.targetBpcer)
    .option(
      '--texture-side <px>',
      'face crop side of the texture (LBP) model fitted beside the net',
      wholeNumber('--texture-side', 16),
      DEFAULT_TRAIN_LIVENESS.texture.side,
    )
    .addHelpText('after', '\nExit status: 0 done, 2 usage, 4 bad data (missing lists or images), 5 model fault.')
    .action(async (opts: TrainOptions) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const config = loadConfigFile(opts.config ?? DEFAULT_CONFIG_FILE, { required: opts.config !== undefined });
        const { engine } = await ctx.loadEngine();
        // the trainer (and the tfjs gradients it needs) loads only for this command, and computes on the fastest
        // tfjs backend (the engine starts none when every network runs on ONNX Runtime: pure JS would be 6x slower)
        const { trainLiveness } = await import('../training/liveness/trainLiveness.js');
        await selectBackend(ctx.options.backend, ctx.log.child('training'));
        const report = await trainLiveness(engine, trainingOptions(opts, config, ctx.options.paths.stateDir), (stage, detail) =>
          ctx.progress(`${stage}: ${detail}`),
        );
        const dir = resolve(opts.report);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
        writeFileSync(join(dir, 'report.html'), await renderTrainingReportHtml(report));
        printTraining(ctx, report, join(dir, 'report.html'));
        return ExitCode.ok;
      });
    });
}

/** What `trainLiveness` runs: the shipped net and augmentation, the search and curve as the options say. */
function trainingOptions(opts: TrainOptions, config: FacelockConfig, stateDir: string): TrainLivenessOptions {
  return {
    data: {
      nuaa: resolve(opts.attacks),
      bonaFide: opts.bonaFide.map((d) => resolve(d)),
      checks: opts.check.map((c) => resolve(c)),
    },
    out: resolve(opts.out),
    registry: resolve(opts.registry ?? join(stateDir, 'experiments.jsonl')),
    net: DEFAULT_NET,
    augment: DEFAULT_AUGMENT,
    train: { ...DEFAULT_TRAIN, maxEpochs: opts.epochs, seed: opts.seed },
    search: {
      ...DEFAULT_TRAIN_LIVENESS.search,
      coarseTrials: opts.coarse,
      coarseEpochs: opts.coarseEpochs,
      fineTrials: opts.fine,
      seed: opts.seed,
    },
    curveFractions: opts.curve ? DEFAULT_TRAIN_LIVENESS.curveFractions : [1],
    targetBpcer: opts.targetBpcer,
    rule: { k: config.decision.k, n: config.decision.n },
    texture: { ...DEFAULT_TRAIN_LIVENESS.texture, side: opts.textureSide },
  };
}

function printTraining(ctx: CliContext, report: TrainLivenessReport, reportFile: string): void {
  if (ctx.options.json)
    ctx.print(JSON.stringify({ files: report.files, rates: report.rates, seconds: report.seconds, report: reportFile }));
  else {
    const pct = (v: number | null) => (v === null ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);
    for (const r of report.rates)
      ctx.print(
        `${r.part.padEnd(9)} ${r.level.padEnd(8)} APCER ${pct(r.apcer)}  BPCER ${pct(r.bpcer)}  ${r.method} (${r.attacks} attack / ${r.bonaFide} bona fide)`,
      );
    ctx.print(`learning curve: ${report.reading}`);
    ctx.print(
      `temperature ${report.temperature.toFixed(3)}, threshold ${report.threshold.toFixed(4)} for BPCER ${report.targetBpcer} on dev`,
    );
    const t = report.texture;
    ctx.print(
      `texture: ${t.side} px crop, L2 ${t.lambda}, temperature ${t.temperature.toFixed(3)}, threshold ${t.threshold.toFixed(4)} for BPCER ${report.targetBpcer} on NUAA dev`,
    );
    for (const f of report.files) ctx.print(`${f.sha256}  ${f.path}`);
    ctx.print(`report: ${reportFile}; wall time ${report.seconds.total.toFixed(0)} s`);
  }
}
