import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetDir } from '../../common/datasets.js';
import { projectRoot } from '../../common/projectRoot.js';

export const CLI = join(projectRoot(), 'dist', 'cli', 'facelock.js');
/** The fake camera and GPIO tools the tests use: the soak drives the daemon through the same process spawning. */
export const FAKES_BIN = join(projectRoot(), 'test', 'fakes', 'bin');

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `facelock ARGS`; with `killAfterMs` it is sent SIGKILL then (code null, signal SIGKILL when it landed). */
export function facelock(
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; killAfterMs?: number; timeoutMs?: number } = {},
): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const kill = o.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), o.killAfterMs);
    const hang = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(kill);
      clearTimeout(hang);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** A long-running `facelock run` whose output is watched. */
export interface Daemon {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output (from `from`) matches, with the offset after the match; rejects after `ms`. */
  waitFor(pattern: RegExp, ms: number, from?: number): Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(config: string, env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [CLI, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out.slice(-3000)}`)), ms);
        const check = () => {
          const m = pattern.exec(out.slice(from));
          if (m) {
            clearTimeout(timer);
            resolve(from + m.index + m[0].length);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`the daemon ended before ${pattern}; output:\n${out.slice(-3000)}`));
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** A scratch door: a key, Laura_Bush enrolled from lfw-dev photos, her other photos and a stranger's as frame folders. */
export interface SoakDoor {
  readonly dir: string;
  readonly base: string[];
  readonly laura: string;
  readonly lauraDoor: string;
  readonly stranger: string;
  config(name: string, yaml: string): string;
  cleanup(): void;
}

export async function createDoor(prefix: string): Promise<SoakDoor> {
  const lfw = datasetDir('lfw');
  if (!lfw) throw new Error('the soak needs lfw-dev (../shared/datasets/lfw-dev or $FACELOCK_DATASETS)');
  const dir = mkdtempSync(join(tmpdir(), `facelock-soak-${prefix}-`));
  const base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
  const photos = (name: string, identity: string, indices: number[]) => {
    const dest = join(dir, name);
    mkdirSync(dest);
    for (const i of indices) {
      const file = `${identity}_${String(i).padStart(4, '0')}.jpg`;
      symlinkSync(join(lfw, 'images', identity, file), join(dest, file));
    }
    return dest;
  };
  const door: SoakDoor = {
    dir,
    base,
    laura: photos('laura', 'Laura_Bush', [1, 3, 5, 6, 9, 10, 11]),
    lauraDoor: photos('laura-door', 'Laura_Bush', [20, 21, 22, 23, 24, 25]),
    stranger: photos('stranger', 'Jennifer_Capriati', [1, 2, 3, 4, 5, 6]),
    config(name, yaml) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\n${yaml}`, { mode: 0o600 });
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  must(await facelock([...base, 'key', 'init']), 'key init');
  must(await facelock([...base, 'enroll', 'add', 'laura', '--images', door.laura]), 'enroll add laura');
  return door;
}

export function must(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code ?? r.signal}): ${r.stderr || r.stdout}`);
  return r;
}

/** An environment whose PATH finds the fake rpicam-vid, ffmpeg and libgpiod tools first. */
export const fakeEnv = (settings: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`,
  FAKE_GPIOD_VERSION: '2',
  ...settings,
});

export function jsonLines<T>(file: string): T[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  } catch {
    return [];
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[s.length >> 1] as number);
}

/** What a phase reports: counts, worst and median times, and every invariant it found broken (none, when it passes). */
export interface PhaseResult {
  readonly phase: string;
  readonly counts: Record<string, number>;
  readonly times: Record<string, { median: number; worst: number }>;
  readonly broken: string[];
}

export const timesOf = (v: readonly number[]) => ({
  median: Math.round(median(v)),
  worst: v.length === 0 ? Number.NaN : Math.round(Math.max(...v)),
});
