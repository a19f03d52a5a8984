/** One evaluated image: its identity and its embedding, or undefined when no face was found. */
export interface LabelledEmbedding {
  readonly identity: string;
  readonly embedding: Float32Array | undefined;
}

export interface PairScores {
  readonly genuine: Float64Array;
  readonly impostor: Float64Array;
  /** Images without a face: every pair they are in scores -Infinity (a reject). */
  readonly failedToEnrol: number;
}

/**
 * Scores every pair of images: same identity -> genuine, different -> impostor. A pair with a missed face gets
 * -Infinity, so a missed face counts as a reject in TAR and never as a false accept.
 */
export function allPairsScores(items: readonly LabelledEmbedding[], similarity: (a: Float32Array, b: Float32Array) => number): PairScores {
  const n = items.length;
  let sameCount = 0;
  const byIdentity = new Map<string, number>();
  for (const it of items) byIdentity.set(it.identity, (byIdentity.get(it.identity) ?? 0) + 1);
  for (const c of byIdentity.values()) sameCount += (c * (c - 1)) / 2;
  const genuine = new Float64Array(sameCount);
  const impostor = new Float64Array((n * (n - 1)) / 2 - sameCount);
  let g = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = items[i];
    for (let j = i + 1; j < n; j++) {
      const b = items[j];
      const s = a?.embedding && b?.embedding ? similarity(a.embedding, b.embedding) : Number.NEGATIVE_INFINITY;
      if (a?.identity === b?.identity) genuine[g++] = s;
      else impostor[m++] = s;
    }
  }
  return { genuine, impostor, failedToEnrol: items.filter((it) => !it.embedding).length };
}
