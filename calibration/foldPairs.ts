import type { ImageConditions, ScoredPair } from './conditionAnalysis.js';
import type { FoldScores } from './kfold.js';
import type { LfwFold } from './lfwDataset.js';
import { identityOf } from './lfwDataset.js';

/** One evaluated image: its path relative to the dataset, its embedding (none when no face was found), its conditions. */
export interface ImageResult {
  readonly path: string;
  readonly embedding: Float32Array | undefined;
  readonly conditions: ImageConditions | undefined;
}

export type Similarity = (a: Float32Array, b: Float32Array) => number;

/**
 * Every pair of one fold's images, numbered from `offset`: same identity or not, and the similarity, -Infinity when
 * either face is missing (a reject, never an accept).
 */
export function* foldPairs(items: readonly ImageResult[], offset: number, similarity: Similarity): Generator<ScoredPair> {
  for (let i = 0; i < items.length; i++) {
    const a = items[i] as ImageResult;
    const idA = identityOf(a.path);
    for (let j = i + 1; j < items.length; j++) {
      const b = items[j] as ImageResult;
      yield {
        a: offset + i,
        b: offset + j,
        score: a.embedding && b.embedding ? similarity(a.embedding, b.embedding) : Number.NEGATIVE_INFINITY,
        same: idA === identityOf(b.path),
      };
    }
  }
}

/** Keeps the `size` most extreme pairs seen (highest impostors, or lowest genuine when `lowest`). */
export class Extremes {
  readonly items: { a: number; b: number; score: number }[] = [];
  constructor(
    private readonly size: number,
    private readonly lowest: boolean,
  ) {}
  add(a: number, b: number, score: number): void {
    const key = this.lowest ? -score : score;
    const last = this.items.at(-1);
    if (this.items.length >= this.size && last && key <= (this.lowest ? -last.score : last.score)) return;
    this.items.push({ a, b, score });
    this.items.sort((x, y) => (this.lowest ? x.score - y.score : y.score - x.score));
    if (this.items.length > this.size) this.items.pop();
  }
}

/**
 * The scores of one fold: its official pairs (balanced), and all its same- and cross-identity pairs; the worst
 * genuine and impostor pairs are collected on the way.
 */
export function scoreFold(
  fold: LfwFold,
  items: readonly ImageResult[],
  offset: number,
  similarity: Similarity,
  worst: { genuine: Extremes; impostor: Extremes },
): FoldScores {
  const gen: number[] = [];
  const imp: number[] = [];
  for (const p of foldPairs(items, offset, similarity)) {
    if (p.same) {
      gen.push(p.score);
      worst.genuine.add(p.a, p.b, p.score);
    } else {
      imp.push(p.score);
      if (Number.isFinite(p.score)) worst.impostor.add(p.a, p.b, p.score);
    }
  }
  const byPath = new Map(items.map((it) => [it.path, it.embedding]));
  const pairScore = (p: { a: string; b: string }) => {
    const ea = byPath.get(p.a);
    const eb = byPath.get(p.b);
    return ea && eb ? similarity(ea, eb) : Number.NEGATIVE_INFINITY;
  };
  return {
    fold: fold.fold,
    pairGenuine: Float64Array.from(fold.pairs.filter((p) => p.same).map(pairScore)),
    pairImpostor: Float64Array.from(fold.pairs.filter((p) => !p.same).map(pairScore)),
    genuine: Float64Array.from(gen),
    impostor: Float64Array.from(imp),
  };
}
