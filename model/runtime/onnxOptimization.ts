/** ONNX Runtime's graph optimisation levels facelock uses: `all` adds the layout transforms (NCHWc) to `extended`. */
export type OptimizationLevel = 'extended' | 'all';
/** `auto`: on x86-64, where the layout transforms exist, the faster of the two for each network, timed at load. */
export type OptimizationChoice = OptimizationLevel | 'auto';

/**
 * Whether `all` can differ from `extended` on this CPU: ONNX Runtime's NCHWc layout transform has kernels only for
 * x86-64 (AVX2/AVX-512), so on a Pi's arm64 the two levels give the same graph.
 */
export function layoutTransformsApply(arch: string = process.arch): boolean {
  return arch === 'x64';
}

export interface Timed<S> {
  readonly session: S;
  readonly level: OptimizationLevel;
  /** Fastest run of each candidate timed, in ms. */
  readonly ms: Partial<Record<OptimizationLevel, number>>;
}

export interface TimingOptions {
  /** Timed runs of each candidate after its warm-up; the fastest counts (least disturbed by other work). */
  readonly runs?: number;
  /** A first candidate faster than this is kept untimed against the others: too little to gain (ms). */
  readonly worthMs?: number;
}

/** One timing at a time in this process: networks loading in parallel would otherwise time each other's load. */
let timingQueue: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = timingQueue.then(task, task);
  timingQueue = run.catch(() => undefined);
  return run;
}

/**
 * Creates each level's session in turn and keeps the fastest (the first on a tie), releasing the others. The layout
 * transforms speed a network up on one x86 CPU and slow it down on another (faceplugin's MobileFaceNet: 12.0 vs
 * 17.5 ms with them on an AVX2 Xeon, 41 vs 14.5 ms on an AVX-512 one), so this is measured, not assumed; a network
 * whose first candidate runs in under `worthMs` is not worth a second session.
 */
export function fastestLevel<S>(
  levels: readonly OptimizationLevel[],
  create: (level: OptimizationLevel) => Promise<S>,
  runOnce: (session: S) => Promise<void>,
  release: (session: S) => Promise<void>,
  { runs = 3, worthMs = 3 }: TimingOptions = {},
): Promise<Timed<S>> {
  return serially(async () => {
    let best: { session: S; level: OptimizationLevel; ms: number } | undefined;
    const ms: Partial<Record<OptimizationLevel, number>> = {};
    for (const level of levels) {
      const session = await create(level);
      await runOnce(session);
      let fastest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await runOnce(session);
        fastest = Math.min(fastest, performance.now() - t);
      }
      ms[level] = fastest;
      if (!best || fastest < best.ms) {
        if (best) await release(best.session);
        best = { session, level, ms: fastest };
      } else {
        await release(session);
      }
      if (best.ms < worthMs) break;
    }
    if (!best) throw new Error('no optimisation level to choose from');
    return { session: best.session, level: best.level, ms };
  });
}
