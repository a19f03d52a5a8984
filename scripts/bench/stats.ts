/** Median and 95th percentile (nearest rank) of a sample; NaN for an empty one. */
export function summary(values: readonly number[]): { median: number; p95: number; n: number } {
  if (values.length === 0) return { median: Number.NaN, p95: Number.NaN, n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { median, p95: rank(0.95), n: s.length };
}
