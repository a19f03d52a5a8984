import { describe, expect, it } from 'vitest';
import { serviceMemoryEnv, unitEnvironment } from './serviceMemoryEnv.js';

describe("the service's memory settings, as the bench runs under them", () => {
  it('reads quoted and bare assignments of Environment= lines, later ones winning', () => {
    const unit = ['[Service]', 'Environment=A=1 "B=x y" C=', '#Environment=D=4', 'Environment=A=2'].join('\n');
    expect(unitEnvironment(unit)).toEqual({ A: '2', B: 'x y', C: '' });
  });

  it('takes the young-generation and malloc-arena limits from the shipped unit, not its paths', () => {
    const env = serviceMemoryEnv();
    expect(env.NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
    expect(Number(env.MALLOC_ARENA_MAX)).toBeGreaterThan(0);
    expect(Object.keys(env).sort()).toEqual(['MALLOC_ARENA_MAX', 'NODE_OPTIONS']);
  });
});
