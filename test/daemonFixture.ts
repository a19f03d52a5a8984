import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { lfwFolder } from './lfwFolders.js';
import { CLI, runCli } from './runCli.js';

/** Every JSON line of a file the fakes or the simulated lock append to; [] when it does not exist yet. */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export interface Transition {
  at: number;
  state: 'locked' | 'unlocked';
}

export interface AttemptRow {
  outcome: string;
  reason: string | null;
  user_id: number | null;
  timings: string;
}

/**
 * A door for end-to-end tests of `facelock run`: a key, Laura_Bush enrolled from 7 lfw-dev photos, her 6 other
 * photos (`laura-door`) and an impostor's (`impostor-door`) as replay folders, and a config writer.
 */
export class DoorFixture {
  private constructor(readonly dir: string) {}

  static async create(lfw: string): Promise<DoorFixture> {
    const f = new DoorFixture(mkdtempSync(join(tmpdir(), 'facelock-daemon-')));
    expect((await runCli([...f.base, 'key', 'init'])).code).toBe(0);
    const photos = lfwFolder(lfw, join(f.dir, 'laura'), 'Laura_Bush', [1, 3, 5, 6, 9, 10, 11]);
    const enrolled = await runCli([...f.base, 'enroll', 'add', 'laura', '--images', photos]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    lfwFolder(lfw, join(f.dir, 'laura-door'), 'Laura_Bush', [20, 21, 22, 23, 24, 25]);
    lfwFolder(lfw, join(f.dir, 'impostor-door'), 'Jennifer_Capriati', [1, 2, 3, 4, 5, 6]);
    return f;
  }

  /** `--state-dir` and `--key-file` of this door. */
  get base(): string[] {
    return ['--state-dir', join(this.dir, 'state'), '--key-file', join(this.dir, 'key')];
  }

  lockFile(name: string): string {
    return join(this.dir, `${name}.lock.jsonl`);
  }

  transitions(name: string): Transition[] {
    return readJsonLines<Transition>(this.lockFile(name));
  }

  /** Writes a config for this door with `extra` YAML; the lock is the simulated one unless `lock` YAML is given. */
  config(name: string, extra: string, lock = `lock: { driver: sim, simFile: ${this.lockFile(name)}, unlockMs: 500 }`): string {
    const file = join(this.dir, `${name}.yaml`);
    // no status server unless the test asks for one: daemons of several tests must not compete for its port
    const status = extra.includes('status:') ? '' : 'status: { port: 0 }\n';
    // readable by the owner only: the daemon refuses a config others can read or change
    writeFileSync(file, `stateDir: ${join(this.dir, 'state')}\nkeyFile: ${join(this.dir, 'key')}\n${lock}\n${status}${extra}`, {
      mode: 0o600,
    });
    return file;
  }

  /**
   * Ends any lockout earlier tests of this door left in its database (the lockout holds across daemon runs, as it
   * must): `facelock lockout clear`, as the owner would run it.
   */
  async clearLockout(): Promise<void> {
    const r = await runCli([...this.base, 'lockout', 'clear']);
    expect(r.code, r.stderr).toBe(0);
  }

  attempts(): AttemptRow[] {
    const db = new Database(join(this.dir, 'state', 'facelock.db'), { readonly: true });
    const rows = db.prepare('SELECT outcome, reason, user_id, score, timings FROM attempts ORDER BY id').all() as AttemptRow[];
    db.close();
    return rows;
  }

  events(): { kind: string; source: string; detail: string }[] {
    const db = new Database(join(this.dir, 'state', 'facelock.db'), { readonly: true });
    const rows = db.prepare('SELECT kind, source, detail FROM events ORDER BY id').all() as {
      kind: string;
      source: string;
      detail: string;
    }[];
    db.close();
    return rows;
  }

  /** A folder of `count` links to the first frame of a NUAA live subject: a still scene. */
  stillScene(nuaa: string, name: string, subject: string, count: number): string {
    const dest = join(this.dir, name);
    mkdirSync(dest);
    const src = join(nuaa, 'ClientRaw', subject);
    const frame = join(src, readdirSync(src).sort()[0] as string);
    for (let i = 0; i < count; i++) symlinkSync(frame, join(dest, `f${String(i).padStart(2, '0')}.jpg`));
    return dest;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts `facelock run --config FILE` and resolves once its output contains `text` (within 60 s). */
export async function runUntil(
  file: string,
  env: NodeJS.ProcessEnv,
  text: string,
): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'run', '--config', file], { env, stdio: 'pipe' });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a daemon left running would load the machine and every later test
      reject(new Error(`no "${text}" within 60 s:\n${out}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, output: () => out, exited };
}
