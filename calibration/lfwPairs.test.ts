import { describe, expect, it } from 'vitest';
import { parseLfwPairs } from './lfwPairs.js';

const good = ['1\t2', 'Ann\t1\t2', 'Ann\t1\t3', 'Ann\t1\tBob\t4', 'Cy\t2\tBob\t1', ''].join('\n');

describe('parseLfwPairs', () => {
  it('reads folds, same and different pairs with zero-padded image paths', () => {
    const pairs = parseLfwPairs(good);
    expect(pairs).toHaveLength(4);
    expect(pairs[0]).toMatchObject({ fold: 1, same: true, a: 'images/Ann/Ann_0001.jpg', b: 'images/Ann/Ann_0002.jpg', line: 2 });
    expect(pairs[3]).toMatchObject({ same: false, a: 'images/Cy/Cy_0002.jpg', b: 'images/Bob/Bob_0001.jpg', line: 5 });
  });

  it('reports each malformed line with its number', () => {
    const bad = good.replace('Ann\t1\t3', 'Ann\tx\t3').replace('Cy\t2\tBob\t1', 'Cy 2');
    expect(() => parseLfwPairs(bad, 'p.txt')).toThrow(/p\.txt:3: expected 'name n1 n2'[\s\S]*p\.txt:5: expected 3 or 4/);
  });

  it('rejects a bad header and a count that does not match it', () => {
    expect(() => parseLfwPairs('oops\nAnn\t1\t2')).toThrow(/:1: header/);
    expect(() => parseLfwPairs('1\t3\nAnn\t1\t2')).toThrow(/promises 1 folds of 6 pairs/);
  });
});
