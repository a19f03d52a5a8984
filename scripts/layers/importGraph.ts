import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** One relative import of a source file, resolved to the file it names (relative to the tree's root, with `/`). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

/**
 * `import … from`, `export … from` and side-effect `import '…'` at the start of a line, and dynamic `import('…')`
 * anywhere; type-only ones included.
 */
const IMPORT =
  /^[ \t]*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|^[ \t]*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every relative import in one file's source, resolved from the file's own folder (`.js` names the `.ts` source). */
export function importsOf(file: string, source: string): ImportEdge[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith('.')) continue;
    const to = toPosix(normalize(join(dirname(file), spec))).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, line: text.slice(0, m.index).split('\n').length });
  }
  return edges;
}

/** The TypeScript files below `root` in the given top-level folders, as root-relative `/` paths. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(path);
    }
  };
  for (const folder of folders) {
    try {
      walk(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out.sort();
}

export function readImportGraph(root: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));
}

/**
 * Strongly connected groups of more than one node (Tarjan): each is a cycle. `nodeOf` maps a file to the node it
 * counts as (the file itself, or the entry of a folder it lies in); edges within one node are ignored.
 */
export function cyclesOf(edges: readonly ImportEdge[], nodeOf: (file: string) => string | undefined = (f) => f): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const set = next.get(a) ?? new Set<string>();
    next.set(a, set);
    set.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      group.push(w);
      if (w === v) break;
    }
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * Cycles between the entries of each folder: for every folder, its files and its sub-folders (each taken whole) must
 * import one another in one direction only.
 */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const folders = new Set(edges.flatMap((e) => ancestors(e.from).concat(ancestors(e.to))));
  return [...folders].sort().flatMap((folder) =>
    cyclesOf(edges, (file) => {
      const base = folder === '' ? '' : `${folder}/`;
      if (!file.startsWith(base)) return undefined;
      const [head, ...tail] = file.slice(base.length).split('/');
      return tail.length === 0 ? `${base}${head}` : `${base}${head}/`;
    }),
  );
}

function ancestors(file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
}

export function toPosix(path: string): string {
  return path.split(sep).join('/');
}

export function relativeTo(root: string, path: string): string {
  return toPosix(relative(root, path));
}
