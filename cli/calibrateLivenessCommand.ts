import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { fitDoorLiveness, presentationFeatures } from '../calibration/doorLivenessCalibration.js';
import { GUIDED_STEPS, guidedPresentations } from '../calibration/guidedPresentations.js';
import type { PadMeasurement } from '../calibration/padMeasure.js';
import { formatProportion } from '../calibration/presentationAttackRates.js';
import { readPresentationSet } from '../calibration/presentationSet.js';
import { ExitCode, UsageError } from '../common/errors.js';
import { createCamera } from '../device/camera/createCamera.js';
import { DEFAULT_CONFIG_FILE } from '../device/config/loadConfig.js';
import { CALIBRATION_FORMAT, type CalibrationFile, readCalibrationJson } from '../device/door/calibrationFile.js';
import { keySource, readKeyFile } from '../device/store/keyFile.js';
import { type CliContext, runCommand } from './cliContext.js';
import { rate, wholeNumber } from './optionParsers.js';
import { progressLine } from './progressLine.js';
import { configWithPaths } from './storePaths.js';

interface Options {
  presentations?: string;
  config?: string;
  write?: string;
  targetBpcer: number;
  fresh: boolean;
  out: string;
  guided: boolean;
  species: string;
  person: string;
  framesPerStep: number;
  stepSeconds: number;
  countdown: number;
}

export const SEALED_PRESENTATIONS = 'door-liveness-presentations.sealed';

/** `facelock calibrate liveness`: the door learns its own camera's live faces and attacks. */
export function registerCalibrateLiveness(calibrate: Command, context: () => CliContext): void {
  calibrate
    .command('liveness')
    .description(
      "fit this door's own presentation-attack head on its camera's live faces and attacks (features only, kept sealed) and write it into the calibration file",
    )
    .option(
      '--presentations <dir>',
      'labelled frames of this camera: live/ and one folder per attack species (print/, phone-photo/, phone-video/, ...), a sub-folder per recording',
    )
    .option('--config <file>', `daemon config (decision.calibrationFile, decision.k/n; default ${DEFAULT_CONFIG_FILE} when it exists)`)
    .option('--write <file>', 'the calibration file to write the head into (default: the config’s decision.calibrationFile)')
    .option(
      '--target-bpcer <rate>',
      'share of live frames the door may refuse, chosen on held-apart people (default 5%: new people then see more refused; README)',
      rate,
      0.05,
    )
    .option('--fresh', 'forget the presentations kept from earlier calibrations of this door', false)
    .option('--out <dir>', 'folder for report.json', 'facelock-liveness-calibration')
    .option('--guided', "be led through it at the door's camera (the config's camera): prompts, a countdown, a progress bar", false)
    .option('--species <list>', 'guided: what to show, in order', 'live,print,phone-photo,phone-video')
    .option('--person <name>', 'guided: whose face is shown (people are held apart when the head is measured)', 'owner')
    .option('--frames-per-step <n>', 'guided: frames with a face kept per step', wholeNumber('--frames-per-step'), 50)
    .option('--step-seconds <s>', 'guided: seconds one try of a step may take', wholeNumber('--step-seconds'), 20)
    .option('--countdown <s>', 'guided: seconds to get ready after each prompt (0-60)', countdownSeconds, 5)
    .addHelpText(
      'after',
      '\nShow the camera at least 2 live recordings and 2 attack recordings (better: several people, each species you fear, ~50 frames each).\nExit status: 0 done, 2 usage, 3 bad config, 4 bad data (no face, too few recordings), 5 model fault.',
    )
    .action(async (own: Options, cmd: Command) => {
      // calibrate's own --config, --write and --out take those options wherever they stand on the line
      const parent = cmd.parent;
      const given = <K extends 'config' | 'write' | 'out'>(name: K): Options[K] | undefined =>
        parent?.getOptionValueSource(name) === 'cli' ? (parent.getOptionValue(name) as Options[K]) : undefined;
      const opts: Options = {
        ...own,
        ...(given('config') === undefined ? {} : { config: given('config') as string }),
        ...(given('write') === undefined ? {} : { write: given('write') as string }),
        ...(given('out') === undefined ? {} : { out: given('out') as string }),
      };
      const ctx = context();
      await runCommand(ctx, () => calibrateLiveness(ctx, opts));
    });
}

/** The command's work: read or capture, extract, fit, measure, write. */
async function calibrateLiveness(ctx: CliContext, opts: Options): Promise<number> {
  if (!opts.presentations === !opts.guided)
    throw new UsageError(
      "give --presentations DIR (live/ and one folder per attack species), or --guided to be led through it at the door's camera (one of the two)",
    );
  const { config, paths } = configWithPaths(ctx.options.givenPaths, opts.config);
  const target = opts.write ?? config.decision.calibrationFile;
  if (!target)
    throw new UsageError(
      'say where the calibration file is: --write FILE, or decision.calibrationFile in the config (the daemon reads it from there)',
    );
  const species = opts.species.split(',').map((x) => x.trim());
  const unknown = species.filter((x) => !(x in GUIDED_STEPS));
  if (opts.guided && (unknown.length > 0 || !species.includes('live')))
    throw new UsageError(`--species takes live and any of ${Object.keys(GUIDED_STEPS).slice(1).join(', ')} (got ${opts.species})`);
  const set = opts.presentations ? readPresentationSet(opts.presentations) : undefined;
  const existing = readExisting(resolve(target));
  const key = readKeyFile(keySource(paths.keyFile));
  const { engine } = await ctx.loadEngine();
  const line = progressLine(process.stderr, ctx.options.json);
  const started = performance.now();
  const shot = set
    ? await presentationFeatures(engine, set.presentations, (done, total) => {
        const perFrame = done > 0 ? (performance.now() - started) / 1000 / done : undefined;
        line.update('faces of the presentations', done, total, perFrame && done >= 10 ? perFrame * (total - done) : undefined);
      })
    : await guidedPresentations(
        createCamera(config.camera, ctx.log),
        engine,
        {
          species,
          framesPerStep: opts.framesPerStep,
          stepSeconds: opts.stepSeconds,
          tries: 3,
          countdown: opts.countdown,
          person: opts.person,
        },
        ctx.print,
      );
  if ('missing' in shot && shot.missing.length > 0) ctx.print(`not shown (no face seen in 3 tries): ${shot.missing.join(', ')}`);
  const result = fitDoorLiveness(engine.info.modelHashes, shot.frames, shot.noFace, {
    sealedFile: join(paths.stateDir, SEALED_PRESENTATIONS),
    key,
    fresh: opts.fresh,
    targetBpcer: opts.targetBpcer,
    rule: { k: config.decision.k, n: config.decision.n },
    lambdas: [1e-3, 1e-2, 1e-1],
    folds: 5,
    onFitting: (frames, by) =>
      line.phase(`fitting the door's head on ${frames} frames, each ${by} held apart in turn (about a minute per 2,000 frames on 2 cores)`),
  });
  if (result.discarded) ctx.log.warn(result.discarded);
  const file = resolve(target);
  const body = existing ?? { format: CALIBRATION_FORMAT, createdAt: result.record.createdAt };
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...body, doorLiveness: result.record }, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const { record, ...rest } = result;
  writeFileSync(
    join(out, 'report.json'),
    `${JSON.stringify({ tool: 'facelock calibrate liveness', presentations: set?.dir ?? 'guided', ...rest, threshold: record.threshold, measured: record.measured }, null, 1)}\n`,
  );
  printReport(ctx, result.measurement, result, file);
  return ExitCode.ok;
}

function countdownSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 60)
    throw new InvalidArgumentError(`a whole number of seconds from 0 to 60 is needed, got '${v}'`);
  return n;
}

/** The calibration file as it stands (its face threshold is kept), or undefined when there is none yet. */
function readExisting(file: string): Partial<CalibrationFile> | undefined {
  return existsSync(file) ? readCalibrationJson(file, 'fix or remove it first') : undefined;
}

function printReport(
  ctx: CliContext,
  m: PadMeasurement,
  r: {
    frames: number;
    reused: number;
    heldApartBy: string;
    people: number;
    noFace: Readonly<Record<string, number>>;
    record: { threshold: number; measured: { recordings: Readonly<Record<string, number>> } };
  },
  file: string,
): void {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  ctx.print(
    `door liveness head: ${r.frames} frames (${r.reused} kept from earlier calibrations), threshold ${r.record.threshold.toFixed(4)}`,
  );
  ctx.print(
    `recordings: ${Object.entries(r.record.measured.recordings)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  );
  ctx.print(
    r.heldApartBy === 'person'
      ? `held-apart rates (each of ${r.people} people scored by a head that never saw them), 95% Wilson intervals:`
      : 'held-apart rates (each recording scored by a head that never saw it; name folders PERSON--... to hold people apart), 95% Wilson intervals:',
  );
  ctx.print(`  BPCER per frame ${formatProportion(m.frame.bpcer, pct)}; per approach ${formatProportion(m.approach.bpcer, pct)}`);
  for (const s of m.frame.species) {
    const a = m.approach.species.find((x) => x.species === s.species);
    ctx.print(
      `  APCER ${s.species}: per frame ${formatProportion(s.apcer, pct)}; per approach ${a ? formatProportion(a.apcer, pct) : '-'}`,
    );
  }
  if (m.auc !== null) ctx.print(`  AUC ${m.auc.toFixed(3)}`);
  if (m.tooFew.length > 0) ctx.print(`too few to measure a rate: ${m.tooFew.join('; ')}`);
  if (Object.keys(r.noFace).length > 0) ctx.print(`frames without a face (not used): ${JSON.stringify(r.noFace)}`);
  ctx.print('not shown, so not measured: any species without a folder (a mask, a paper cut-out, another phone)');
  ctx.print(`written: ${file} (doorLiveness); restart facelock run to use it`);
}
