import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, progressLine } from './progressLine.js';

/** A stream that keeps what is written, a terminal or not. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string; columns: number } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text: () => string; columns: number; cursorTo?: unknown };
  s.isTTY = isTTY;
  s.columns = 120;
  s.text = () => chunks.join('');
  return s;
}

describe('progressLine', () => {
  it('in a log: plain lines, each step ending at 100% with its ETA and detail, phases on their own lines', () => {
    const out = sink(false);
    const line = progressLine(out, false, 1_000_000);
    line.update('lfw features', 0, 4);
    line.update('lfw features', 2, 4, 65, '1 cached');
    line.update('lfw features', 4, 4, 0, '1 cached');
    line.phase('verification: every pair scored');
    line.stop();
    const text = out.text();
    expect(text.includes('\r') || text.includes(String.fromCharCode(27))).toBe(false); // no terminal control in a log
    expect(text).toMatch(/lfw features \[[^\]]*\] 100% 4\/4, 1 cached, ETA 0s\n/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('verification: every pair scored');
  });

  it('on a terminal: one line redrawn in place', () => {
    const out = sink(true);
    const line = progressLine(out, false);
    for (let i = 0; i <= 10; i++) line.update('attacks features', i, 10, 10 - i);
    line.stop();
    const text = out.text();
    expect(text).toMatch(/attacks features \[[^\]]*\] 100% 10\/10, ETA 0s/);
    expect(text.split('\n').filter((l) => l.includes('attacks features')).length).toBeLessThanOrEqual(2);
  });

  it('says nothing with --json, and writes durations as people read them', () => {
    const out = sink(false);
    const line = progressLine(out, true);
    line.update('x', 1, 2);
    line.phase('y');
    expect(out.text()).toBe('');
    expect([formatDuration(12.4), formatDuration(187), formatDuration(3725)]).toEqual(['12s', '3m07s', '1h02m']);
  });
});
