import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LockError } from '../../../common/errors.js';
import type { InputEvent, Inputs } from '../../ports.js';
import { monitorArgs, parseMonitorLine } from './gpiodArgs.js';
import { findLine, gpiodVersion } from './gpiodTools.js';
import { SettleDebouncer } from './settleDebouncer.js';

export interface GpiomonInputsOptions {
  /** Line names; each optional. Active = door closed, button pressed, enclosure opened (tamper). */
  readonly doorContact?: string;
  readonly exitButton?: string;
  readonly tamper?: string;
  /** Switches to ground with pull-ups read active when low. */
  readonly activeLow: boolean;
  readonly debounceMs: number;
}

type Role = 'doorContact' | 'exitButton' | 'tamper';

/**
 * The door's inputs through one spawned `gpiomon` (all lines are on the header's chip), debounced in software (v1 has
 * no debounce option; v2 also gets `-p`). Yields door_closed / door_opened / exit_button / tamper; throws when
 * gpiomon exits, so the caller locks and reports it.
 */
export class GpiomonInputs implements Inputs {
  readonly name = 'gpiod';
  constructor(private readonly options: GpiomonInputsOptions) {}

  async *events(signal?: AbortSignal): AsyncIterable<InputEvent> {
    const version = gpiodVersion();
    const roles = (['doorContact', 'exitButton', 'tamper'] as const).filter((r) => this.options[r] !== undefined);
    if (roles.length === 0) return;
    const lines = roles.map((r) => ({ role: r as Role, ...findLine(version, this.options[r] as string, `inputs.${r}`) }));
    const chip = lines[0]?.chip as string;
    if (lines.some((l) => l.chip !== chip)) throw new LockError('the door inputs are on different GPIO chips: use lines of one chip');
    const child = spawn(
      'gpiomon',
      monitorArgs(
        version,
        chip,
        lines.map((l) => l.offset),
        this.options.activeLow,
        this.options.debounceMs,
      ),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-300);
    });
    const queue: InputEvent[] = [];
    let wake: (() => void) | undefined;
    let ended: Error | undefined;
    const push = (e: InputEvent) => {
      queue.push(e);
      wake?.();
    };
    const debouncers = new Map(
      lines.map((l) => [
        l.offset,
        new SettleDebouncer(this.options.debounceMs, (active) => {
          if (l.role === 'doorContact') push({ kind: active ? 'door_closed' : 'door_opened', at: Date.now() });
          else if (l.role === 'tamper') push({ kind: active ? 'tamper' : 'tamper_cleared', at: Date.now() });
          else if (active) push({ kind: 'exit_button', at: Date.now() });
        }),
      ]),
    );
    createInterface({ input: child.stdout }).on('line', (text) => {
      const ev = parseMonitorLine(version, text);
      if (ev) debouncers.get(ev.offset)?.edge(ev.rising);
    });
    child.on('close', (code) => {
      ended = new LockError(`gpiomon exited (code ${code}): ${stderr.trim() || 'no message'}`);
      wake?.();
    });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (signal?.aborted) return;
        if (ended) throw ended;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const d of debouncers.values()) d.stop();
      child.kill('SIGTERM');
    }
  }
}
