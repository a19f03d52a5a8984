import type { z } from 'zod';

/**
 * The keys an object schema at `path` accepts (through defaults, optionals, pipes and unions), or none known. `raw`
 * is the value given there: a union keyed on a field (the camera's `kind`) offers only the keys of the kind given.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[], raw?: unknown): string[] {
  let shapes = objectShapes(schema, raw);
  let value = raw;
  for (const key of path) {
    if (typeof key !== 'string') return [];
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    shapes = shapes.flatMap((shape) => (shape[key] ? objectShapes(shape[key] as z.ZodType, value) : []));
  }
  return [...new Set(shapes.flatMap((shape) => Object.keys(shape)))].sort();
}

type Shape = Record<string, unknown>;

function objectShapes(schema: z.ZodType, raw: unknown): Shape[] {
  const def = (schema as unknown as { def?: Record<string, unknown> }).def;
  if (!def) return [];
  const shape = (schema as unknown as { shape?: Shape }).shape;
  if (shape && typeof shape === 'object') return [shape];
  const inner = def.innerType ?? def.in ?? def.schema;
  if (inner) return objectShapes(inner as z.ZodType, raw);
  if (!Array.isArray(def.options)) return [];
  const options = (def.options as z.ZodType[]).flatMap((o) => objectShapes(o, raw));
  const field = typeof def.discriminator === 'string' ? def.discriminator : undefined;
  const given = field && raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[field] : undefined;
  if (!field || given === undefined) return options;
  const chosen = options.filter((o) => (o[field] as z.ZodType | undefined)?.safeParse(given).success);
  return chosen.length ? chosen : options;
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length] as number;
}

/** The valid key nearest an unknown one, when it is near enough to be the one meant (a typo, a case slip). */
export function nearestKey(unknown: string, valid: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of valid) {
    const d = distance(unknown, key);
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= Math.max(2, Math.floor(unknown.length / 3)) ? best.key : undefined;
}

/** What to say about unknown keys at a path: each with its nearest valid key, then every valid key there. */
export function unknownKeysHint(schema: z.ZodType, path: readonly PropertyKey[], keys: readonly string[], raw?: unknown): string {
  const valid = keysAt(schema, path, raw);
  if (valid.length === 0) return '';
  const guesses = keys
    .map((k) => [k, nearestKey(k, valid)] as const)
    .filter(([k, n]) => n !== undefined && n !== k)
    .map(([k, n]) => `${k} -> did you mean ${n}?`);
  return `${guesses.length ? ` (${guesses.join('; ')})` : ''}; valid keys here: ${valid.join(', ')}`;
}
