import { InvalidArgumentError } from 'commander';

/** A whole-number option of at least `min`, refused with the option's name otherwise. */
export const wholeNumber =
  (name: string, min = 1) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}, got '${v}'`);
    return n;
  };

/** A rate strictly between 0 and 1 (a FAR, a BPCER). */
export function rate(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`a rate between 0 and 1 is needed, got '${v}'`);
  return n;
}
