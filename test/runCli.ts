import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/projectRoot.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built executable, as `npm install` links it: tests run the real process, not the modules. */
export const CLI = join(projectRoot(), 'dist', 'cli', 'facelock.js');

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Run through this command prefix (e.g. setpriv to drop privileges). */
  readonly prefix?: readonly string[];
}

/** Runs `facelock ARGS` as a child process and collects its output; kills it after the timeout. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const [cmd, ...pre] = [...(options.prefix ?? []), process.execPath, CLI];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
