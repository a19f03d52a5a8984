/** A point in image pixels; z, where present, is depth in the same units. */
export type Point = readonly [number, number];
export type Point3 = readonly [number, number, number];

/** An axis-aligned box in image pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union <= 0 ? 0 : inter / union;
}

export function boundingBox(points: readonly (Point | Point3)[]): Box {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    minX = Math.min(minX, p[0]);
    minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0]);
    maxY = Math.max(maxY, p[1]);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export function distance(a: Point | Point3, b: Point | Point3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Greedy non-maximum suppression: keeps the best-scoring boxes that overlap no kept box by more than `maxIou`. */
export function nonMaxSuppression<T extends { box: Box; score: number }>(items: readonly T[], maxIou: number, limit: number): T[] {
  const sorted = [...items].sort((p, q) => q.score - p.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length >= limit) break;
    if (kept.every((k) => iou(k.box, item.box) <= maxIou)) kept.push(item);
  }
  return kept;
}
