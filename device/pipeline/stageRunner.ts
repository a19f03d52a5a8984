import type { RejectReason } from './rejectReason.js';

/** One step of the frame pipeline: reads and fills the frame's context; returns a reason to stop, or nothing. */
export interface Stage<C> {
  readonly name: string;
  run(context: C): Promise<RejectReason | undefined>;
}

export type StageOutcome =
  | { readonly ok: true; readonly timings: Record<string, number> }
  | { readonly ok: false; readonly reason: RejectReason; readonly stage: string; readonly timings: Record<string, number> };

/** Runs stages in order, timing each, and stops at the first rejection. Exceptions are faults and propagate. */
export async function runStages<C>(stages: readonly Stage<C>[], context: C): Promise<StageOutcome> {
  const timings: Record<string, number> = {};
  for (const stage of stages) {
    const t = performance.now();
    const reason = await stage.run(context);
    timings[stage.name] = performance.now() - t;
    if (reason) return { ok: false, reason, stage: stage.name, timings };
  }
  return { ok: true, timings };
}
