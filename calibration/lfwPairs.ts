import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../common/errors.js';

/** One line of an LFW pairs.txt: two images and whether they show the same person. */
export interface LfwPair {
  readonly fold: number;
  readonly same: boolean;
  readonly a: string;
  readonly b: string;
  readonly line: number;
}

/** `images/Name/Name_0001.jpg` relative to the dataset folder. */
export function lfwImagePath(name: string, index: number): string {
  return join('images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/**
 * Parses the standard LFW pairs format: a header `folds<TAB>n`, then per fold n same-person lines
 * `name i j` and n different-person lines `name1 i name2 j`. Every malformed line is reported with its number.
 */
export function parseLfwPairs(text: string, source = 'pairs.txt'): LfwPair[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const [folds, perFold] = header;
  if (header.length !== 2 || !Number.isInteger(folds) || !Number.isInteger(perFold) || !folds || !perFold || folds < 1 || perFold < 1) {
    throw new DatasetError(`${source}:1: header must be '<folds>\\t<pairs per fold>', got '${lines[0] ?? ''}'`);
  }
  const pairs: LfwPair[] = [];
  const problems: string[] = [];
  const index = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : Number.NaN);
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? '';
    if (raw === '') continue;
    const lineNo = i + 1;
    const fields = raw.split(/\s+/);
    const position = pairs.length + problems.length;
    const fold = Math.floor(position / (2 * perFold)) + 1;
    if (fields.length === 3) {
      const [name, i1, i2] = fields;
      if (!name || Number.isNaN(index(i1)) || Number.isNaN(index(i2)))
        problems.push(`${source}:${lineNo}: expected 'name n1 n2', got '${raw}'`);
      else pairs.push({ fold, same: true, a: lfwImagePath(name, index(i1)), b: lfwImagePath(name, index(i2)), line: lineNo });
    } else if (fields.length === 4) {
      const [n1, i1, n2, i2] = fields;
      if (!n1 || !n2 || Number.isNaN(index(i1)) || Number.isNaN(index(i2)))
        problems.push(`${source}:${lineNo}: expected 'name1 n1 name2 n2', got '${raw}'`);
      else pairs.push({ fold, same: false, a: lfwImagePath(n1, index(i1)), b: lfwImagePath(n2, index(i2)), line: lineNo });
    } else {
      problems.push(`${source}:${lineNo}: expected 3 or 4 tab-separated fields, got ${fields.length}: '${raw}'`);
    }
  }
  if (problems.length > 0)
    throw new DatasetError(`${problems.length} malformed line(s) in ${source}:\n${problems.slice(0, 20).join('\n')}`);
  if (pairs.length !== folds * perFold * 2) {
    throw new DatasetError(
      `${source}: header promises ${folds} folds of ${perFold * 2} pairs (${folds * perFold * 2}), found ${pairs.length}`,
    );
  }
  return pairs;
}

export function readLfwPairs(datasetDir: string): LfwPair[] {
  const file = join(datasetDir, 'pairs.txt');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DatasetError(`${file} cannot be read: an LFW-format folder holds pairs.txt and images/`, { cause: err });
  }
  return parseLfwPairs(text, file);
}
