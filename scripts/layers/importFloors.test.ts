import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLOOR_FOLDERS, floorOf, floorViolations } from './floors.js';
import { cyclesOf, folderCycles, type ImportEdge, importsOf, readImportGraph, sourceFiles } from './importGraph.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const edge = (from: string, to: string): ImportEdge => ({ from, to, line: 1 });

describe('the import graph reader', () => {
  it('resolves static, type-only, re-exported, side-effect and dynamic imports, and skips comments and packages', () => {
    // IMPORT stands for the keyword, so that this file's own source holds no dynamic import for the tree check to read
    const source = [
      "import { a } from '../common/errors.js';",
      "import type { B } from './b.js';",
      "export { c } from './sub/c.js';",
      "import './side.js';",
      "const d = await IMPORT('../model/d.js');",
      "// import { e } from '../device/e.js';",
      "/* import { f } from '../device/f.js'; */",
      "import sharp from 'sharp';",
      'import {\n  g,\n  h,\n} from "./multi.js";',
    ]
      .join('\n')
      .replace('IMPORT', 'import');
    expect(importsOf('enroll/x.ts', source).map((e) => `${e.to}:${e.line}`)).toEqual([
      'common/errors.ts:1',
      'enroll/b.ts:2',
      'enroll/sub/c.ts:3',
      'enroll/side.ts:4',
      'model/d.ts:5',
      'enroll/multi.ts:9',
    ]);
  });

  it('finds a cycle of files and a cycle between sibling folders, and none in a chain', () => {
    expect(cyclesOf([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('c.ts', 'd.ts')])).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
    ]);
    expect(cyclesOf([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts')])).toEqual([]);
    const siblings = [edge('device/door/x.ts', 'device/pipeline/y.ts'), edge('device/pipeline/z.ts', 'device/door/w.ts')];
    expect(folderCycles(siblings)).toEqual([['device/door/', 'device/pipeline/']]);
    // a parent's file used by a sub-folder, and the sub-folder used by another parent file: one direction each
    expect(folderCycles([edge('device/main.ts', 'device/door/x.ts'), edge('device/door/x.ts', 'device/ports.ts')])).toEqual([]);
  });
});

describe('the floors rule', () => {
  it('refuses upward imports, imports between neighbours and product code importing tests, and allows downward ones', () => {
    const violations = floorViolations([
      edge('model/liveness/a.ts', 'calibration/b.ts'),
      edge('device/door/a.ts', 'enroll/poseBins.ts'),
      edge('calibration/a.ts', 'enroll/b.ts'),
      edge('common/a.ts', 'model/b.ts'),
      edge('device/a.ts', 'test/datasets.ts'),
      edge('enroll/a.ts', 'device/store/b.ts'),
      edge('cli/a.ts', 'training/b.ts'),
      edge('device/a.test.ts', 'cli/b.ts'),
    ]);
    expect(violations.map((v) => v.split(' (')[0])).toEqual([
      'model/liveness/a.ts:1 -> calibration/b.ts',
      'device/door/a.ts:1 -> enroll/poseBins.ts',
      'calibration/a.ts:1 -> enroll/b.ts',
      'common/a.ts:1 -> model/b.ts',
      'device/a.ts:1 -> test/datasets.ts',
    ]);
  });

  it('holds for the whole tree: no upward import, no cycle between files or folders', () => {
    const files = sourceFiles(root, [...FLOOR_FOLDERS, 'test']);
    expect(files.length).toBeGreaterThan(100);
    const edges = readImportGraph(root, files);
    // every import names a file that exists: a source file of the tree, or data beside it (JSON)
    const known = new Set(files);
    expect(edges.filter((e) => !known.has(e.to) && !existsSync(join(root, e.to))).map((e) => `${e.from}:${e.line} -> ${e.to}`)).toEqual([]);
    expect(floorViolations(edges)).toEqual([]);
    const product = edges.filter((e) => floorOf(e.from) && floorOf(e.to));
    expect(cyclesOf(product)).toEqual([]);
    expect(folderCycles(product)).toEqual([]);
  });
});
