import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CalibrationReport, headline, recordExperiment } from '../calibration/calibrationReport.js';
import { FeatureCache } from '../calibration/featureCache.js';
import { EVALUATED_MODELS, type EvaluatedModel } from '../calibration/imageFeatures.js';
import { formatProportion } from '../calibration/presentationAttackRates.js';
import { renderReportHtml } from '../calibration/reportHtml.js';
import { runCalibration } from '../calibration/runCalibration.js';
import { ExitCode, UsageError } from '../common/errors.js';
import { DEFAULT_CONFIG_FILE } from '../device/config/loadConfig.js';
import { keySource, readKeyFile } from '../device/store/keyFile.js';
import type { StorePaths } from '../device/store/openStore.js';
import { calibrationBoundsProblem } from '../model/defaultThresholds.js';
import { DETECTORS, type DetectorName, EMBEDDERS, type EmbedderName } from '../model/loadFaceEngine.js';
import { doorLiveness, existingDoorLiveness, factoryLivenessModel, HEADLINE_PARTS } from './calibrateLivenessChoice.js';
import { registerCalibrateLiveness } from './calibrateLivenessCommand.js';
import { calibrationFileOf } from './calibrationFileOf.js';
import { type CliContext, runCommand } from './cliContext.js';
import { wholeNumber as positiveInt, rate } from './optionParsers.js';
import { progressLine } from './progressLine.js';
import { configWithPaths } from './storePaths.js';

interface CalibrateOptions {
  pairs?: string;
  attacks?: string;
  grey?: boolean;
  greyFaces?: string[];
  folds?: number[];
  model: EvaluatedModel;
  embedder?: EmbedderName;
  detector?: DetectorName;
  config?: string;
  targetFar?: number;
  workers?: number;
  seed: number;
  bootstrap: number;
  doorTemplates: number;
  doorFar: number;
  out: string;
  write?: string;
  registry?: string;
  cache: boolean;
  freezeSplit?: string;
}

/** `facelock calibrate`: error rates, the operating threshold, score calibration and the report. */
export function registerCalibrate(program: Command, context: () => CliContext): void {
  const command = program
    .command('calibrate')
    .description(
      'measure FAR/FRR, ROC/DET, EER on labelled faces; pick the threshold for a target FAR; write the calibration file and an HTML report',
    );
  registerCalibrateLiveness(command, context);
  addCalibrateOptions(command).action(async (opts: CalibrateOptions) => {
    const ctx = context();
    await runCommand(ctx, async () => {
      if (!opts.pairs && !opts.attacks) throw new UsageError('give --pairs DIR (verification) and/or --attacks DIR (liveness)');
      const { config, paths } = configWithPaths(ctx.options.givenPaths, opts.config);
      // --embedder is also a global option, and commander gives it to the program wherever it stands
      const embedder = opts.embedder ?? (ctx.options.embedderGiven ? ctx.options.embedder : config.engine.embedder);
      const detector = opts.detector ?? config.engine.detector;
      const cache = opts.cache ? openFeatureCache(ctx, paths) : undefined;
      const line = progressLine(process.stderr, ctx.options.json);
      const { report, splits } = await runCalibration({
        ...(opts.pairs ? { pairs: opts.pairs } : {}),
        ...(opts.attacks ? { attacks: opts.attacks } : {}),
        ...(opts.grey ? { grey: true } : {}),
        ...(opts.greyFaces ? { greyFaces: opts.greyFaces } : {}),
        ...(opts.folds ? { folds: opts.folds } : {}),
        model: opts.model,
        embedder,
        detector,
        backend: ctx.options.backend === 'auto' ? config.engine.backend : ctx.options.backend,
        ...(opts.workers ? { workers: opts.workers } : {}),
        targetFar: opts.targetFar ?? config.decision.targetFar,
        k: config.decision.k,
        n: config.decision.n,
        ...(await doorLiveness(config)),
        seed: opts.seed,
        bootstrap: opts.bootstrap,
        doorAt: { templates: opts.doorTemplates, targetFar: opts.doorFar },
        ...(cache ? { cache } : {}),
        onProgress: (what, p) => line.update(`${what} features`, p.done, p.total, p.etaSeconds, `${p.cached} cached`),
        onPhase: (text) => line.phase(text),
        log: ctx.log,
      });
      line.phase('writing the report');
      const out = resolve(opts.out);
      mkdirSync(out, { recursive: true });
      let calibrationFile: string | null = null;
      let refused: string | undefined;
      const v = report.verification;
      if (v && opts.model === 'facelock') {
        const file = calibrationFileOf(report, v, embedder, detector, factoryLivenessModel(config));
        const problem = calibrationBoundsProblem(embedder, file.threshold, file.targetFar);
        if (problem === undefined) {
          calibrationFile = resolve(opts.write ?? join(out, 'calibration.json'));
          // the door's own liveness head (facelock calibrate liveness) lives in the same file: a new face threshold keeps it
          const door = existingDoorLiveness(calibrationFile);
          writeFileSync(calibrationFile, `${JSON.stringify({ ...file, ...(door ? { doorLiveness: door } : {}) }, null, 2)}\n`);
        } else {
          refused = `no calibration file written: ${problem}. The report says what this data measured; for a door, calibrate for a FAR of 1e-2 or less on more people`;
          ctx.log.error(refused);
        }
      }
      const final = { ...report, calibrationFile };
      writeFileSync(join(out, 'report.json'), `${JSON.stringify(final, null, 1)}\n`);
      writeFileSync(join(out, 'report.html'), await renderReportHtml(final));
      if (opts.freezeSplit) writeFileSync(opts.freezeSplit, `${JSON.stringify(splits.length === 1 ? splits[0] : splits, null, 1)}\n`);
      const experiment = recordExperiment(
        resolve(opts.registry ?? join(paths.stateDir, 'experiments.jsonl')),
        final,
        join(out, 'report.html'),
      );
      printSummary(ctx, final, experiment.id, calibrationFile, join(out, 'report.html'));
      return refused === undefined ? ExitCode.ok : ExitCode.input;
    });
  });
}

function addCalibrateOptions(command: Command): Command {
  return command
    .option('--pairs <dir>', 'LFW-format folder: pairs.txt and images/Name/Name_NNNN.jpg')
    .option('--grey', "also the grey camera's operating point: every pair turned grey (an infrared or monochrome camera's view)")
    .option('--grey-faces <dirs>', 'grey datasets (Yale, ORL layouts), comma-separated: FRR and FAR per light condition', (v) =>
      v.split(','),
    )
    .option('--attacks <dir>', 'NUAA-format folder: client_*.txt, imposter_*.txt, ClientRaw/, ImposterRaw/ (liveness APCER/BPCER)')
    .option('--folds <list>', 'only these folds of pairs.txt, e.g. 1,2', (v) =>
      v.split(',').map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`folds are numbers from 1, got '${x}'`);
        return n;
      }),
    )
    .addOption(
      new Option('--model <name>', 'the networks to evaluate: facelock, or face-api.js as the peer (face-api-ssd: with its SSD detector)')
        .choices(EVALUATED_MODELS)
        .default('facelock'),
    )
    .addOption(new Option('--embedder <name>', "facelock embedder (default: the config's)").choices(EMBEDDERS))
    .addOption(new Option('--detector <name>', "facelock face detector (default: the config's)").choices(DETECTORS))
    .option(
      '--config <file>',
      `daemon config for targetFar, k, n, liveness.minProbability, embedder (default ${DEFAULT_CONFIG_FILE} when it exists)`,
    )
    .option('--target-far <rate>', 'per-frame false accept rate to pick the threshold for (default: config decision.targetFar, 1e-4)', rate)
    .option('--workers <n>', 'worker threads computing features (default: one per core, within memory)', positiveInt('--workers'))
    .option('--seed <n>', 'seed of the bootstrap and the door simulation', positiveInt('--seed'), 1)
    .option('--bootstrap <n>', 'bootstrap replicates for the confidence intervals', positiveInt('--bootstrap'), 200)
    .option(
      '--door-templates <n>',
      'templates per user for the door operating point (k of n frames, best template each)',
      positiveInt('--door-templates'),
      3,
    )
    .option('--door-far <rate>', 'door-level false accept rate (per impostor approach) to find the threshold for', rate, 1e-5)
    .option('--out <dir>', 'folder for report.html and report.json', 'facelock-calibration')
    .option('--write <file>', 'where to write the calibration file (default: <out>/calibration.json; facelock model with --pairs only)')
    .option('--registry <file>', 'experiment registry (JSON lines; default <state-dir>/experiments.jsonl)')
    .option('--no-cache', 'do not read or write the encrypted feature cache')
    .option('--freeze-split <file>', 'write the split manifest of this data (fold/subject lists and hashes) to a file')
    .addHelpText(
      'after',
      '\nExit status: 0 done, 2 usage, 3 bad config, 4 bad data (malformed pairs.txt line, missing images, empty lists), 5 model fault.',
    );
}

/** The encrypted feature cache under the template key; without a usable key, features are not cached (with a warning). */
function openFeatureCache(ctx: CliContext, paths: StorePaths): FeatureCache | undefined {
  try {
    const cache = FeatureCache.open(join(paths.stateDir, 'feature-cache.enc'), readKeyFile(keySource(paths.keyFile)));
    if (cache.discarded) ctx.log.warn(cache.discarded);
    return cache;
  } catch (err) {
    ctx.log.warn('features are not cached (no usable template key to encrypt them with)', { reason: (err as Error).message });
  }
  return undefined;
}

function printSummary(
  ctx: CliContext,
  final: CalibrationReport,
  experiment: string,
  calibrationFile: string | null,
  reportFile: string,
): void {
  const report = final;
  const v = report.verification;
  const h = headline(final);
  if (ctx.options.json) {
    ctx.print(JSON.stringify({ experiment, metrics: h, report: reportFile, calibrationFile }));
  } else {
    ctx.print(`${experiment}: ${report.model.description}`);
    if (v) {
      const t = (f: string) => v.pooled.tarAtFar[f];
      ctx.print(
        `verification: ${v.pooled.genuinePairs} genuine / ${v.pooled.impostorPairs} impostor pairs, ${v.failedToEnrol.length} failure(s) to enrol; EER ${pct(v.pooled.eer)}, AUC ${v.pooled.auc.toFixed(5)}`,
      );
      ctx.print(
        `TAR at FAR 1e-3 ${pct(t('0.001')?.tar)}, 1e-4 ${t('0.0001')?.resolvable ? pct(t('0.0001')?.tar) : 'not resolvable'}, 1e-5 ${t('0.00001')?.resolvable ? pct(t('0.00001')?.tar) : 'not resolvable'}`,
      );
      if (v.kfoldAccuracy.folds.length)
        ctx.print(
          `${v.kfoldAccuracy.folds.length}-fold accuracy ${pct(v.kfoldAccuracy.mean)} ± ${pct(v.kfoldAccuracy.std)}; held-out at target FAR ${v.heldOutAtTarget.targetFar}: TAR ${pct(v.heldOutAtTarget.meanTar)}, FAR ${v.heldOutAtTarget.meanFar.toExponential(2)}`,
        );
      ctx.print(
        `threshold ${v.operating.threshold.toFixed(4)} for FAR ${v.operating.targetFar}; door (k=${v.door.k} of ${v.door.n}): FRR ${pct(v.door.frr)}, FAR ${v.door.far.toExponential(2)}`,
      );
      const d = v.doorAtTarget;
      if (d)
        ctx.print(
          `door operating point (${d.templates} templates, k=${d.k} of ${d.n}): threshold ${d.threshold.toFixed(4)} for door FAR ${d.targetFar} (measured ${d.far.toExponential(2)} over ${d.impostorApproaches} impostor approaches): FRR ${pct(d.frr)} over ${d.genuineApproaches} genuine approaches of ${d.identities} people`,
        );
    }
    const g = report.grey;
    if (g)
      ctx.print(
        `grey camera: threshold ${g.chosen.threshold.toFixed(4)} (from ${g.chosen.from}); the faces turned grey: TAR ${pct(g.verification.operating.tar)} at FAR ${g.verification.operating.targetFar}, the colour threshold lets ${g.colourThresholdOnGrey.far.toExponential(2)} of their impostor pairs through`,
      );
    const l = report.liveness;
    if (l) {
      ctx.print(
        `liveness on ${l.part} (${HEADLINE_PARTS[l.part] ?? 'the whole folder'}): APCER ${pct(l.apcer)}, BPCER ${pct(l.bpcer)} per frame at ${l.threshold} (${l.attacks} attacks, ${l.bonaFide} bona fide)`,
      );
      for (const b of l.byPart) {
        const species = b.rates.species.map((x) => `APCER ${x.species} ${formatProportion(x.apcer, pct)}`).join(', ') || 'no attacks';
        ctx.print(
          `  ${b.part.padEnd(10)} per ${b.level.padEnd(8)} ${species}; BPCER ${formatProportion(b.rates.bpcer, pct)} (${b.recordings} recordings)`,
        );
      }
    }
    ctx.print(`report: ${reportFile}${calibrationFile ? `\ncalibration file: ${calibrationFile}` : ''}`);
    ctx.print(`wall time ${report.timing.wallSeconds.toFixed(1)} s`);
  }
}

function pct(v: number | undefined): string {
  return v === undefined ? '-' : `${(v * 100).toFixed(2)}%`;
}
