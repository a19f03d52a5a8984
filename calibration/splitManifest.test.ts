import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../common/hashing.js';
import { datasetForTests } from '../test/datasets.js';
import { readAttackDataset } from './attackData.js';
import { readLfwDataset } from './lfwDataset.js';
import { checkSplit, fileHashes, findSplit, lfwSplitParts, nuaaPartOf, nuaaParts, nuaaSplit } from './splitManifest.js';

const lfw = datasetForTests('lfw', 'the frozen lfw-dev split');
const nuaa = datasetForTests('nuaa', 'the frozen nuaa-train split');

describe.runIf(lfw && nuaa)('frozen dev/test splits (the evaluation contract)', () => {
  it('lfw-dev matches its committed manifest, fold by fold, and its folds are identity-disjoint', () => {
    const dir = lfw as string;
    const frozen = findSplit(sha256(readFileSync(join(dir, 'pairs.txt'))));
    expect(frozen?.manifest.dataset).toBe('lfw-dev');
    const dataset = readLfwDataset(dir);
    const parts = lfwSplitParts(dataset, fileHashes(dataset.folds.flatMap((f) => f.images.map((p) => join(dir, p)))));
    expect(() => checkSplit(frozen as NonNullable<typeof frozen>, parts)).not.toThrow();
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const p of parts)
      for (const id of p.identities) {
        if (seen.has(id)) repeated.push(id);
        seen.add(id);
      }
    expect(repeated).toEqual([]);
    // a changed image in fold 3 is named
    const changed = parts.map((p) => (p.name === 'fold3' ? { ...p, sha256: '0'.repeat(64) } : p));
    expect(() => checkSplit(frozen as NonNullable<typeof frozen>, changed)).toThrow(/fold3: 933 images/);
  });

  it('nuaa-train matches its committed manifest: dev is other people on a session training never saw', () => {
    const dir = nuaa as string;
    const list = ['client_train_raw.txt', 'imposter_train_raw.txt'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const frozen = findSplit(sha256(list));
    expect(frozen?.manifest.dataset).toBe('nuaa-train');
    const presentations = readAttackDataset(dir);
    const parts = nuaaParts(presentations, dir, fileHashes(presentations.map((p) => p.file)));
    expect(() => checkSplit(frozen as NonNullable<typeof frozen>, parts)).not.toThrow();
    const part = (name: string) => parts.find((p) => p.name === name);
    expect(parts.map((p) => p.name)).toEqual(['train', 'dev', 'new-day', 'new-people']);
    const [train, dev] = [part('train'), part('dev')];
    expect(train?.identities.some((s) => dev?.identities.includes(s))).toBe(false);
    expect(train?.sessions?.some((s) => dev?.sessions?.includes(s))).toBe(false);
    // the held-out cells share one of the two with dev and none is trained on
    expect(part('new-day')?.sessions).toEqual(dev?.sessions);
    expect(part('new-people')?.identities).toEqual(dev?.identities);
    expect(parts.reduce((n, p) => n + p.images, 0)).toBe(presentations.length);
    // every dev presentation's name says its subject and session
    const split = nuaaSplit(presentations);
    for (const p of presentations.filter((x) => nuaaPartOf(split, x) === 'dev')) {
      expect(dev?.identities).toContain(p.subject);
      expect(p.file).toMatch(new RegExp(`/${p.subject}_\\d+_\\d+_${dev?.sessions?.[0]}_\\d+\\.jpg$`));
    }
  });
});
