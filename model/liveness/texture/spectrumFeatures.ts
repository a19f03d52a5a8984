/**
 * Frequency features of a face crop's luma: the log energy of its 2-D DCT in rings of increasing frequency. A
 * recaptured face loses the finest detail (a print's and a screen's resolution, the second camera's blur) and adds
 * periodic energy where a screen's pixel grid beats against the sensor's (moire) or a print's halftone shows; both
 * move energy between rings. Each ring's mean log magnitude, less the mean over the rings (exposure and contrast
 * cancel), is one feature.
 */
export const SPECTRUM_RINGS = 16;

const bases = new Map<number, Float64Array>();

/** The orthonormal DCT-II matrix of size n (row k: frequency k). */
function dctBasis(n: number): Float64Array {
  const known = bases.get(n);
  if (known) return known;
  const m = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const a = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) m[k * n + i] = a * Math.cos((Math.PI * (i + 0.5) * k) / n);
  }
  bases.set(n, m);
  return m;
}

/** The 2-D DCT-II of a square plane (separable: rows, then columns). */
export function dct2(plane: ArrayLike<number>, side: number): Float64Array {
  const m = dctBasis(side);
  const tmp = new Float64Array(side * side);
  const out = new Float64Array(side * side);
  for (let y = 0; y < side; y++)
    for (let k = 0; k < side; k++) {
      let s = 0;
      for (let x = 0; x < side; x++) s += (m[k * side + x] as number) * (plane[y * side + x] as number);
      tmp[y * side + k] = s;
    }
  for (let k = 0; k < side; k++)
    for (let u = 0; u < side; u++) {
      let s = 0;
      for (let y = 0; y < side; y++) s += (m[k * side + y] as number) * (tmp[y * side + u] as number);
      out[k * side + u] = s;
    }
  return out;
}

const rings = new Map<number, { ring: Uint8Array; counts: Float64Array }>();

/** Which ring each DCT coefficient (row v, column u) falls in, and how many each ring holds: worked out once per side. */
function ringsOf(side: number): { ring: Uint8Array; counts: Float64Array } {
  const known = rings.get(side);
  if (known) return known;
  const ring = new Uint8Array(side * side);
  const counts = new Float64Array(SPECTRUM_RINGS);
  const maxRadius = Math.SQRT2 * side;
  for (let v = 0; v < side; v++)
    for (let u = 0; u < side; u++) {
      const r = Math.min(SPECTRUM_RINGS - 1, Math.floor((Math.hypot(u, v) / maxRadius) * SPECTRUM_RINGS));
      ring[v * side + u] = r;
      if (u !== 0 || v !== 0) counts[r] = (counts[r] as number) + 1;
    }
  const made = { ring, counts };
  rings.set(side, made);
  return made;
}

/** The ring features of a grey plane [side, side] (any scale). */
export function spectrumFeatures(grey: ArrayLike<number>, side: number): Float32Array {
  const c = dct2(grey, side);
  const { ring, counts } = ringsOf(side);
  const sums = new Float64Array(SPECTRUM_RINGS);
  // coefficient 0 (the mean) is in no ring
  for (let i = 1; i < side * side; i++)
    sums[ring[i] as number] = (sums[ring[i] as number] as number) + Math.log(1e-3 + Math.abs(c[i] as number));
  const out = new Float32Array(SPECTRUM_RINGS);
  let mean = 0;
  for (let r = 0; r < SPECTRUM_RINGS; r++) {
    out[r] = (sums[r] as number) / Math.max(1, counts[r] as number);
    mean += out[r] as number;
  }
  mean /= SPECTRUM_RINGS;
  for (let r = 0; r < SPECTRUM_RINGS; r++) out[r] = (out[r] as number) - mean;
  return out;
}
