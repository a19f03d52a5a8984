import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBadImages } from '../test/badImages.js';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';

const lfw = datasetForTests('lfw', 'facelock compare/inspect on lfw-dev');
const yale = datasetForTests('yale', 'facelock inspect on Yale');
const img = (name: string, n: number) => join(lfw as string, 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

describe('facelock executable', () => {
  it('lists its subcommands and explains each with --help', async () => {
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/compare/);
    expect(root.stdout).toMatch(/inspect/);
    const compare = await runCli(['compare', '--help']);
    expect(compare.stdout).toMatch(/--threshold/);
    expect(compare.stdout).toMatch(/Exit status: 0 match, 10 no match/);
  });

  it('exits 2 with a usage message on a missing argument or unknown option', async () => {
    const r = await runCli(['compare', 'only-one.jpg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
    expect((await runCli(['inspect', '--frobnicate', 'x.jpg'])).code).toBe(2);
  });
});

describe.runIf(lfw)('facelock compare', () => {
  it('matches a photo with itself (exit 0) and not with another person (exit 10), as JSON', async () => {
    const same = await runCli(['--json', 'compare', img('Abel_Pacheco', 1), img('Abel_Pacheco', 1)]);
    expect(same.code).toBe(0);
    const s = JSON.parse(same.stdout) as { similarity: number; match: boolean; threshold: number };
    expect(s.match).toBe(true);
    expect(s.similarity).toBeCloseTo(1, 5);
    const diff = await runCli(['--json', 'compare', img('Abel_Pacheco', 1), img('Abdullah_Gul', 1)]);
    expect(diff.code).toBe(10);
    const d = JSON.parse(diff.stdout) as { similarity: number; match: boolean; threshold: number };
    expect(d.match).toBe(false);
    expect(d.similarity).toBeLessThan(d.threshold);
    // nothing on stderr: no tfjs banner ("install our node backend") when every network runs on ONNX Runtime
    expect(same.stderr + diff.stderr).toBe('');
  });

  it('takes an explicit threshold', async () => {
    // two different people: no match at the default threshold, a match at one below their similarity
    const r = await runCli(['compare', '--threshold', '-0.5', img('Abel_Pacheco', 1), img('Abdullah_Gul', 1)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/> threshold -0\.5000: MATCH/);
    const bad = await runCli(['compare', '--threshold', '7', img('Abel_Pacheco', 1), img('Abel_Pacheco', 1)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threshold[\s\S]*between -1 and 1 is needed, got '7'/);
  });

  it('answers every bad input with its file name, a reason and exit 4, never a crash', async () => {
    for (const bad of await writeBadImages(img('Abel_Pacheco', 1))) {
      const r = await runCli(['compare', img('Abel_Pacheco', 1), bad.path]);
      expect(r.code, bad.name).toBe(4);
      expect(r.stderr, bad.name).toContain(bad.path);
      expect(r.stderr, bad.name).toMatch(bad.says);
      expect(r.stderr, bad.name).not.toMatch(/at .*\.js:\d+/); // no stack trace
    }
  });
});

describe.runIf(yale)('facelock inspect', () => {
  it('prints every face with pose, eyes and liveness, and never the embedding', async () => {
    const r = await runCli(['--json', 'inspect', join(yale as string, 'subject02.glasses'), join(yale as string, 'subject03.leftlight')]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { faces: Record<string, unknown>[] });
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.faces).toHaveLength(1);
      expect(l.faces[0]).toMatchObject({
        pose: expect.any(Object),
        eyes: expect.any(Object),
        live: expect.any(Number),
        antispoof: expect.any(Number),
        embeddingSize: 512,
      });
      expect(l.faces[0]).not.toHaveProperty('embedding');
    }
  });
});
