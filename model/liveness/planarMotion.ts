/**
 * Is the face a flat picture? A photo or a screen moved in front of the camera moves every landmark by one
 * homography; a real head that turns or nods does not (the nose moves against the cheeks: parallax). Between two
 * frames, fit the homography that best maps the first frame's landmarks onto the second's and compare what it
 * cannot explain (the non-planar residual) with how far the landmarks moved at all.
 */

export type Point2 = readonly [number, number];

export interface PlanarFit {
  /** RMS landmark displacement between the frames, in units of the landmarks' own spread (scale-free). */
  readonly motion: number;
  /** RMS residual of the best similarity (shift, rotation in the image plane, scale): the motion out of the image plane. */
  readonly outOfPlane: number;
  /** RMS distance between the second frame's landmarks and the homography's prediction, same units. */
  readonly residual: number;
}

/** Centres and scales points by the first set's centroid and RMS spread: the fit is then well conditioned. */
function normalise(a: readonly Point2[], b: readonly Point2[]): { a: Point2[]; b: Point2[] } {
  const n = a.length;
  let cx = 0;
  let cy = 0;
  for (const [x, y] of a) {
    cx += x / n;
    cy += y / n;
  }
  let s = 0;
  for (const [x, y] of a) s += ((x - cx) ** 2 + (y - cy) ** 2) / n;
  const k = 1 / Math.sqrt(s || 1);
  const f = ([x, y]: Point2): Point2 => [(x - cx) * k, (y - cy) * k];
  return { a: a.map(f), b: b.map(f) };
}

/** Least-squares homography (h33 = 1) mapping src to dst: the 8x8 normal equations, solved by Gaussian elimination. */
export function fitHomography(src: readonly Point2[], dst: readonly Point2[]): number[] {
  const m: number[][] = Array.from({ length: 8 }, () => new Array<number>(9).fill(0));
  const at = (r: number, c: number) => (m[r] as number[])[c] as number;
  const addRow = (row: readonly number[], rhs: number) => {
    for (let i = 0; i < 8; i++) {
      const mi = m[i] as number[];
      for (let j = 0; j < 8; j++) mi[j] = at(i, j) + (row[i] as number) * (row[j] as number);
      mi[8] = at(i, 8) + (row[i] as number) * rhs;
    }
  };
  for (let i = 0; i < src.length; i++) {
    const [x, y] = src[i] as Point2;
    const [u, v] = dst[i] as Point2;
    addRow([x, y, 1, 0, 0, 0, -u * x, -u * y], u);
    addRow([0, 0, 0, x, y, 1, -v * x, -v * y], v);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(at(r, c)) > Math.abs(at(p, c))) p = r;
    const tmp = m[c] as number[];
    m[c] = m[p] as number[];
    m[p] = tmp;
    const pivot = at(c, c);
    if (Math.abs(pivot) < 1e-12) throw new Error('degenerate landmarks: no homography');
    for (let r = 0; r < 8; r++) {
      const f = r === c ? 0 : at(r, c) / pivot;
      if (f === 0) continue;
      const mr = m[r] as number[];
      for (let k = c; k < 9; k++) mr[k] = at(r, k) - f * at(c, k);
    }
  }
  return [...m.map((row, i) => (row[8] as number) / (row[i] as number)), 1];
}

/** Motion and non-planar residual between two frames' landmarks (the same landmarks, in the same order). */
export function planarFit(first: readonly Point2[], second: readonly Point2[]): PlanarFit {
  if (first.length !== second.length || first.length < 8) throw new Error('planarFit needs the same 8 or more landmarks in both frames');
  const { a, b } = normalise(first, second);
  const h = fitHomography(a, b);
  let res = 0;
  let mot = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = a[i] as Point2;
    const [u, v] = b[i] as Point2;
    const w = (h[6] as number) * x + (h[7] as number) * y + 1;
    const pu = ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w;
    const pv = ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w;
    res += (pu - u) ** 2 + (pv - v) ** 2;
    mot += (u - x) ** 2 + (v - y) ** 2;
  }
  return { motion: Math.sqrt(mot / a.length), outOfPlane: similarityResidual(a, b), residual: Math.sqrt(res / a.length) };
}

/** RMS residual of the least-squares similarity (Umeyama in 2-D) from a to b; both are already centred on a. */
export function similarityResidual(a: readonly Point2[], b: readonly Point2[]): number {
  const n = a.length;
  let bx = 0;
  let by = 0;
  let ax = 0;
  let ay = 0;
  for (let i = 0; i < n; i++) {
    ax += (a[i] as Point2)[0] / n;
    ay += (a[i] as Point2)[1] / n;
    bx += (b[i] as Point2)[0] / n;
    by += (b[i] as Point2)[1] / n;
  }
  // b - mb = s R (a - ma): with complex numbers, k = sum(conj(a') b') / sum(|a'|^2)
  let re = 0;
  let im = 0;
  let aa = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [(a[i] as Point2)[0] - ax, (a[i] as Point2)[1] - ay];
    const [u, v] = [(b[i] as Point2)[0] - bx, (b[i] as Point2)[1] - by];
    re += x * u + y * v;
    im += x * v - y * u;
    aa += x * x + y * y;
  }
  const kr = re / (aa || 1);
  const ki = im / (aa || 1);
  let res = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [(a[i] as Point2)[0] - ax, (a[i] as Point2)[1] - ay];
    const [u, v] = [(b[i] as Point2)[0] - bx, (b[i] as Point2)[1] - by];
    res += (kr * x - ki * y - u) ** 2 + (ki * x + kr * y - v) ** 2;
  }
  return Math.sqrt(res / n);
}
