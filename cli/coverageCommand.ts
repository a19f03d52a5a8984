import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { countText } from '../common/countText.js';
import { EnrollError, ExitCode, UsageError } from '../common/errors.js';
import { DEFAULT_CONFIG_FILE } from '../device/config/loadConfig.js';
import { modePrompt } from '../device/coverage/cameraModeGaps.js';
import { renderCoverageHtml } from '../device/coverage/coverageHtml.js';
import { buildCoverage, isFaceAttempt } from '../device/coverage/coverageReport.js';
import { findDrift } from '../device/coverage/drift.js';
import { writeTrainingExport } from '../device/coverage/trainingExport.js';
import { type CliContext, runCommand, withStore } from './cliContext.js';
import { configWithPaths } from './storePaths.js';

const DAY = 86_400_000;
const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`a whole number of at least 1 is needed, got '${v}'`);
  return n;
};

const isoTime = (v: string) => {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t))
    throw new InvalidArgumentError(`an ISO 8601 time is needed (2026-12-02T16:00:00Z), got '${v}'`);
  return t;
};

/** `facelock coverage`, `facelock attempts list|label|purge` and `facelock export-training`. */
export function registerCoverage(program: Command, context: () => CliContext): void {
  registerCoveragePage(program, context);
  registerAttempts(program, context);
  registerExportTraining(program, context);
}

function registerCoveragePage(program: Command, context: () => CliContext): void {
  program
    .command('coverage')
    .description('what the door has seen (pose, light by hour, FRR per condition), what enrollment covers, and drift')
    .option('--days <n>', 'the window to show', positive, 30)
    .option('--html <file>', 'also write the coverage page (heatmaps, FRR per bin) to this file')
    .option('--config <file>', `config for the drift thresholds; default ${DEFAULT_CONFIG_FILE}`)
    .option('--at <time>', 'as of this time (ISO 8601): the windows end there and later attempts are left out (default: now)', isoTime)
    .action(async (opts: { days: number; html?: string; config?: string; at?: number }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { config, paths } = configWithPaths(ctx.options.givenPaths, opts.config);
        return withStore(
          ctx,
          async (store) => {
            const now = opts.at ?? Date.now();
            const until = new Date(now).toISOString();
            const audit = store.auditLog();
            // one read covers both windows: the page's days and drift's reference + recent weeks
            const coverageFrom = new Date(now - opts.days * DAY).toISOString();
            const driftFrom = new Date(now - (config.drift.recentDays + config.drift.referenceDays) * DAY).toISOString();
            const rows = audit
              .attemptsSince([coverageFrom, driftFrom].sort()[0] as string)
              .filter((r) => r.at <= until && isFaceAttempt(r));
            const report = buildCoverage(
              rows.filter((r) => r.at >= coverageFrom),
              store.listUsers(),
              { days: opts.days, minTemplates: 1 },
            );
            const drift = findDrift(
              rows.filter((r) => r.at >= driftFrom),
              now,
              config.drift,
            );
            const alarms = audit.alarmsSince(coverageFrom).filter((a) => a.at <= until);
            if (opts.html) writeFileSync(opts.html, await renderCoverageHtml(report, drift, new Date(now).toISOString(), alarms));
            if (ctx.options.json) ctx.print(JSON.stringify({ ...report, drift, alarms }));
            else printCoverage(ctx, report, drift, opts.html);
            return ExitCode.ok;
          },
          paths,
        );
      });
    });
}

function printCoverage(
  ctx: CliContext,
  report: ReturnType<typeof buildCoverage>,
  drift: ReturnType<typeof findDrift>,
  html: string | undefined,
): void {
  ctx.print(
    `last ${report.days} days: ${countText(report.approaches, 'approach', 'approaches')}, ${countText(report.unlocks, 'unlock', 'unlocks')}`,
  );
  ctx.print(
    `reasons: ${
      Object.entries(report.byReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
  );
  for (const b of report.frrByBin.filter((x) => x.approaches > 0))
    ctx.print(
      `${b.condition} ${b.bin}: ${countText(b.approaches, 'approach', 'approaches')}${b.frr === null ? '' : `, FRR ${(100 * b.frr).toFixed(1)}% of ${b.genuine}`}`,
    );
  for (const u of report.users) {
    ctx.print(`${u.name}: ${u.missing.length ? `no templates for ${u.missing.join(', ')}` : 'every pose covered'}`);
    for (const m of u.missingModes) ctx.print(`  ${modePrompt(m, u.name, report.modesSeen, report.days)}`);
  }
  for (const d of drift) ctx.print(`DRIFT ${d.warning}`);
  if (html) ctx.print(`page: ${html}`);
}

/** The columns of `attempts list` (an alarm row: -, time, alarm, what). */
const ATTEMPT_COLUMNS = ['id', 'at', 'outcome', 'reason', 'user', 'score', 'pose', 'luminance', 'label', 'method', 'alarms'] as const;

function registerAttempts(program: Command, context: () => CliContext): void {
  const attempts = program.command('attempts').description('the audit log of approaches');
  attempts
    .command('list')
    .description(
      'the latest approaches and door events (time, outcome, reason, user, score, conditions; never an image or an embedding) and the alarms raised and cleared',
    )
    .option('--limit <n>', 'how many', positive, 20)
    .option('--no-alarms', 'attempts only')
    .action(async (opts: { limit: number; alarms: boolean }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        return withStore(ctx, async (store) => {
          const audit = store.auditLog();
          const lines = [
            ...audit.attemptsSince('').map((r) => ({
              at: r.at,
              json: { kind: 'attempt', ...r },
              text: `${r.id}\t${r.at}\t${r.outcome}\t${r.reason ?? ''}\t${r.userName ?? ''}\t${r.score?.toFixed(4) ?? ''}\t${r.poseBin ?? ''}\t${r.luminance?.toFixed(0) ?? ''}\t${r.label ?? ''}\t${r.method ?? ''}\t${r.alarms ?? ''}`,
            })),
            ...(opts.alarms ? audit.alarmsSince('') : []).map((a) => ({
              at: a.at,
              json: { kind: 'alarm', ...a },
              text: `-\t${a.at}\talarm\t${a.detail}`,
            })),
          ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
          // a header row (tab-separated like the rows, as `experiments list`); --json gives one object per line
          if (!ctx.options.json) ctx.print(ATTEMPT_COLUMNS.join('\t'));
          for (const l of lines.slice(-opts.limit)) ctx.print(ctx.options.json ? JSON.stringify(l.json) : l.text);
          return ExitCode.ok;
        });
      });
    });
  attempts
    .command('label')
    .description('say what an attempt was: a false reject labelled genuine becomes data for calibration and training')
    .argument('<id>', 'attempt id (facelock attempts list)', positive)
    .argument('<label>', 'genuine or impostor')
    .option('--user <name>', 'who it was (for a genuine attempt the door rejected: it has no matched user)')
    .action(async (id: number, label: string, opts: { user?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        if (label !== 'genuine' && label !== 'impostor')
          throw new EnrollError('enroll_rejected', `the label is genuine or impostor, not '${label}'`);
        return withStore(ctx, async (store) => {
          const user = opts.user === undefined ? undefined : store.findUser(opts.user);
          if (opts.user !== undefined && !user)
            throw new EnrollError('user_unknown', `no enrolled user named "${opts.user}" (facelock enroll list)`);
          if (!store.auditLog().label(id, label, user?.id ?? null))
            throw new EnrollError('user_unknown', `there is no attempt ${id} (facelock attempts list)`);
          ctx.print(`attempt ${id}: ${label}${user ? ` (${user.name})` : ''}`);
          return ExitCode.ok;
        });
      });
    });
  attempts
    .command('purge')
    .description('delete attempts and events older than the retention limit (the daemon does it daily)')
    .option('--config <file>', `config with retention.days; default ${DEFAULT_CONFIG_FILE}`)
    .action(async (opts: { config?: string }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { config, paths } = configWithPaths(ctx.options.givenPaths, opts.config);
        return withStore(
          ctx,
          async (store) => {
            const n = store.auditLog().purgeBefore(new Date(Date.now() - config.retention.days * DAY).toISOString());
            ctx.print(`deleted ${n} row(s) older than ${config.retention.days} days`);
            return ExitCode.ok;
          },
          paths,
        );
      });
    });
}

function registerExportTraining(program: Command, context: () => CliContext): void {
  program
    .command('export-training')
    .description('write the attempts (labels, conditions) and, with --frames, the retained frames of known people for calibrate and train')
    .requiredOption('--out <dir>', 'folder to write (see its README.md for the format)')
    .option('--since <date>', 'only attempts from this date (YYYY-MM-DD or ISO time)', '1970-01-01')
    .option('--frames', 'also the retained frames, unencrypted (retention.frames must have been on)', false)
    .action(async (opts: { out: string; since: string; frames: boolean }) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const since = new Date(opts.since);
        if (Number.isNaN(since.getTime())) throw new UsageError(`--since needs a date (YYYY-MM-DD), got '${opts.since}'`);
        return withStore(ctx, async (store) => {
          const audit = store.auditLog({ retainFrames: true });
          const rows = audit.attemptsSince(since.toISOString());
          const frames = opts.frames ? audit.framesSince(since.toISOString()) : [];
          if (opts.frames && frames.length === 0) ctx.log.warn('no retained frames: turn on retention.frames in the config to keep them');
          const s = writeTrainingExport(opts.out, rows, frames);
          ctx.print(
            ctx.options.json
              ? JSON.stringify(s)
              : `${s.attempts} attempts, ${s.images} images of ${s.identities} people, ${s.pairs} pairs in ${opts.out}${s.images ? ' (unencrypted face images: keep them safe)' : ''}`,
          );
          return ExitCode.ok;
        });
      });
    });
}
