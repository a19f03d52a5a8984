import { describe, expect, it } from 'vitest';
import { Pipeline, type Stage } from './pipeline.js';

interface A {
  readonly n: number;
}
interface B extends A {
  readonly doubled: number;
}
interface C extends B {
  readonly label: string;
}

const double: Stage<A, B> = { name: 'double', run: async (a) => ({ ok: true, value: { ...a, doubled: a.n * 2 } }) };
const label: Stage<B, C> = {
  name: 'label',
  run: async (b) =>
    b.doubled > 10 ? { ok: true, value: { ...b, label: 'big' } } : { ok: false, reason: 'no_match', value: { ...b, label: 'small' } },
};
const never: Stage<C, C> = {
  name: 'never',
  run: async () => {
    throw new Error('a rejected frame reached a later stage');
  },
};

describe('Pipeline', () => {
  it('runs typed stages in order, timing each, and passes the grown context on', async () => {
    const p = Pipeline.start<A>().andThen(double).andThen(label);
    const r = await p.run({ n: 6 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({ n: 6, doubled: 12, label: 'big' });
    expect(Object.keys(r.timings)).toEqual(['double', 'label']);
    expect(p.names).toEqual(['double', 'label']);
  });

  it('stops at the first rejection with its reason, its stage and what it had learnt', async () => {
    const r = await Pipeline.start<A>().andThen(double).andThen(label).andThen(never).run({ n: 2 });
    expect(r).toMatchObject({ ok: false, reason: 'no_match', stage: 'label', value: { n: 2, doubled: 4, label: 'small' } });
    expect(Object.keys(r.timings)).toEqual(['double', 'label']);
  });

  it('runs only the stages through a named one, and refuses unknown or repeated names', async () => {
    const p = Pipeline.start<A>().andThen(double).andThen(label).andThen(never);
    const r = await p.through('double')({ n: 1 });
    expect(r).toMatchObject({ ok: true, value: { n: 1, doubled: 2 } });
    expect(Object.keys(r.timings)).toEqual(['double']);
    expect(() => p.through('motion')).toThrow(/no stage called motion \(stages: double, label, never\)/);
    const again: Stage<B, B> = { name: 'double', run: async (b) => ({ ok: true, value: b }) };
    expect(() => Pipeline.start<A>().andThen(double).andThen(again)).toThrow(/two stages are called double/);
  });

  it('lets faults propagate', async () => {
    await expect(Pipeline.start<A>().andThen(double).andThen(label).andThen(never).run({ n: 9 })).rejects.toThrow(/reached a later stage/);
  });
});
