import cliProgress from 'cli-progress';

/** How far a long command is: a counted step (features of N images) or a phase with no count. */
export interface ProgressLine {
  /** A counted step: `done` of `total`, with an ETA when there is an honest one. */
  update(step: string, done: number, total: number, etaSeconds?: number, detail?: string): void;
  /** A step with no count (scoring pairs, bootstrap, writing the report): said once, as it starts. */
  phase(text: string): void;
  stop(): void;
}

/** A duration as 1h02m, 3m07s or 12s. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Progress on stderr: on a terminal one line that updates in place (cli-progress), in a log or a pipe a plain line
 * every few seconds and at the end of each step; nothing at all with --json. Phases are lines of their own.
 */
export function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }, quiet: boolean, plainEveryMs = 2000): ProgressLine {
  if (quiet) return { update() {}, phase() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{step} [{bar}] {percentage}% {value}/{total}{detail}{etaText}',
      barsize: 24,
      hideCursor: false,
      clearOnComplete: false,
      // not a terminal: plain lines on a schedule instead of an updating line
      noTTYOutput: true,
      notTTYSchedule: plainEveryMs,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: string | undefined;
  const finish = () => {
    if (current === undefined) return;
    bar.stop();
    current = undefined;
  };
  return {
    update(step, done, total, etaSeconds, detail) {
      const payload = {
        step,
        detail: detail ? `, ${detail}` : '',
        etaText: etaSeconds === undefined ? '' : `, ETA ${formatDuration(etaSeconds)}`,
      };
      if (current !== step) {
        finish();
        bar.start(total, done, payload);
        current = step;
      } else bar.update(done, payload);
      if (done >= total) finish();
    },
    phase(text) {
      finish();
      stream.write(`${text}\n`);
    },
    stop: finish,
  };
}
