import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../common/errors.js';
import { type LfwPair, readLfwPairs } from './lfwPairs.js';

/** One identity-disjoint fold: its official pairs and every image of the identities they name. */
export interface LfwFold {
  readonly fold: number;
  readonly pairs: readonly LfwPair[];
  readonly identities: readonly string[];
  /** Paths relative to the dataset folder, sorted. */
  readonly images: readonly string[];
}

export interface LfwDataset {
  readonly dir: string;
  readonly folds: readonly LfwFold[];
}

const identityOf = (path: string) => path.split('/')[1] as string;

/**
 * Reads an LFW-format folder: pairs.txt and images/Name/Name_NNNN.jpg. Every image a pair names must exist (the
 * missing ones are listed with their pairs.txt line). An identity that appears in two folds belongs to the first
 * only: folds stay identity-disjoint, so a threshold chosen on other folds never saw the people it is tested on.
 */
export function readLfwDataset(dir: string, onlyFolds?: readonly number[]): LfwDataset {
  const pairs = readLfwPairs(dir);
  const missing = pairs.flatMap((p) => [p.a, p.b].filter((f) => !existsSync(join(dir, f))).map((f) => `pairs.txt:${p.line}: ${f}`));
  if (missing.length > 0) {
    throw new DatasetError(
      `${missing.length} image(s) named in ${join(dir, 'pairs.txt')} do not exist:\n${[...new Set(missing)].slice(0, 20).join('\n')}${missing.length > 20 ? '\n...' : ''}\nrestore them or remove their lines`,
    );
  }
  const foldNumbers = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const unknown = (onlyFolds ?? []).filter((f) => !foldNumbers.includes(f));
  if (unknown.length > 0) throw new DatasetError(`${join(dir, 'pairs.txt')} has folds ${foldNumbers.join(',')}, not ${unknown.join(',')}`);
  const owner = new Map<string, number>();
  for (const p of pairs) for (const f of [p.a, p.b]) if (!owner.has(identityOf(f))) owner.set(identityOf(f), p.fold);
  const folds = foldNumbers
    .filter((f) => !onlyFolds || onlyFolds.includes(f))
    .map((fold) => {
      const identities = [...owner]
        .filter(([, f]) => f === fold)
        .map(([id]) => id)
        .sort();
      const images = identities.flatMap((id) =>
        readdirSync(join(dir, 'images', id))
          .filter((n) => /\.(jpe?g|png)$/i.test(n))
          .sort()
          .map((n) => `images/${id}/${n}`),
      );
      // pairs that cross into an identity owned by an earlier fold are dropped from this fold's official pairs
      const own = pairs.filter((p) => p.fold === fold && owner.get(identityOf(p.a)) === fold && owner.get(identityOf(p.b)) === fold);
      return { fold, pairs: own, identities, images };
    });
  return { dir, folds };
}

export { identityOf };
