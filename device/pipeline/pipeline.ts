import type { RejectReason } from './rejectReason.js';

/**
 * What a stage made of its input: the input grown by what it learnt (`ok`), or a reason to stop, with whatever the
 * stage learnt before it stopped (the match stage still knows the best score it rejected).
 */
export type StageResult<I, O> =
  | { readonly ok: true; readonly value: O }
  | { readonly ok: false; readonly reason: RejectReason; readonly value: I | O };

/** One step of the frame pipeline: takes the context the stages before it built and returns it grown, or a reason. */
export interface Stage<I, O extends I> {
  readonly name: string;
  run(input: I): Promise<StageResult<I, O>>;
}

/** How far a run got: `R` is every context a rejection can carry (the input of each stage, or its output). */
export type PipelineOutcome<O, R> =
  | { readonly ok: true; readonly value: O; readonly timings: Record<string, number> }
  | {
      readonly ok: false;
      readonly reason: RejectReason;
      readonly stage: string;
      readonly value: R;
      readonly timings: Record<string, number>;
    };

type Run<I, O, R> = (input: I, timings: Record<string, number>) => Promise<PipelineOutcome<O, R>>;

/**
 * Stages in order, each typed by what it takes and returns: one runner times every stage and stops at the first
 * rejection. Expected outcomes are results; exceptions are faults and propagate.
 */
export class Pipeline<I, O extends I, R = I> {
  private constructor(
    /** Stage names in running order. */
    readonly names: readonly string[],
    private readonly runAll: Run<I, O, R>,
    private readonly prefixes: ReadonlyMap<string, Run<I, R, R>>,
  ) {}

  static start<T>(): Pipeline<T, T, T> {
    return new Pipeline<T, T, T>([], async (value) => ({ ok: true, value, timings: {} }), new Map());
  }

  andThen<N extends O>(stage: Stage<O, N>): Pipeline<I, N, R | O | N> {
    if (this.prefixes.has(stage.name)) throw new Error(`pipeline: two stages are called ${stage.name}`);
    const before = this.runAll;
    const runAll: Run<I, N, R | O | N> = async (input, timings) => {
      const done = await before(input, timings);
      if (!done.ok) return done;
      const t = performance.now();
      const result = await stage.run(done.value);
      timings[stage.name] = performance.now() - t;
      return result.ok ? { ok: true, value: result.value, timings } : { ...result, stage: stage.name, timings };
    };
    const prefixes = new Map<string, Run<I, R | O | N, R | O | N>>(this.prefixes);
    prefixes.set(stage.name, runAll);
    return new Pipeline([...this.names, stage.name], runAll, prefixes);
  }

  run(input: I): Promise<PipelineOutcome<O, R>> {
    return this.runAll(input, {});
  }

  /** The stages up to and including the one called `name` (the door runs only its motion gate while locked out). */
  through(name: string): (input: I) => Promise<PipelineOutcome<R, R>> {
    const run = this.prefixes.get(name);
    if (!run) throw new Error(`pipeline: no stage called ${name} (stages: ${this.names.join(', ')})`);
    return (input) => run(input, {});
  }
}
