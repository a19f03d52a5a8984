import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { LockError } from '../../../common/errors.js';
import { type GpiodVersion, type LineAddress, lineInfoArgs, parseGpiodVersion, parseLineAddress, parseLineDriven } from './gpiodArgs.js';

const execFileAsync = promisify(execFile);

/** The generation of the installed libgpiod tools; a clear error when they are missing. */
export function gpiodVersion(): GpiodVersion {
  const v = spawnSync('gpioset', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) {
    throw new LockError('gpioset is not installed (sudo apt install gpiod), or use driver sim on a machine without GPIO', {
      cause: v.error,
    });
  }
  return parseGpiodVersion(v.stdout);
}

/** A line by name (GPIO17): `gpiofind` in v1, `gpioinfo NAME` in v2. Never by number. */
export function findLine(version: GpiodVersion, name: string, what: string): LineAddress {
  const r = version === 1 ? spawnSync('gpiofind', [name], { encoding: 'utf8' }) : spawnSync('gpioinfo', [name], { encoding: 'utf8' });
  const address = r.status === 0 ? parseLineAddress(r.stdout) : undefined;
  if (!address) throw new LockError(`no GPIO line named ${name} on this machine: check ${what} (names look like GPIO17)`);
  return address;
}

/**
 * Why there is no relay to drive here, or undefined when there is one: no GPIO at all (no chip device and no
 * libgpiod tools, or `gpiodetect` lists no chip), or no line of that name. Anything else (tools missing on a machine
 * with GPIO, a busy line, a failed drive) is a fault for the caller, never a reason to simulate.
 */
export function relayAbsent(line: string): string | undefined {
  const tools = spawnSync('gpioset', ['--version'], { encoding: 'utf8' });
  if (tools.error || tools.status !== 0) {
    const devices = existsSync('/dev') ? readdirSync('/dev').filter((n) => /^gpiochip\d+$/.test(n)) : [];
    return devices.length === 0 ? 'no GPIO on this machine (no /dev/gpiochip*, no libgpiod tools)' : undefined;
  }
  const detect = spawnSync('gpiodetect', [], { encoding: 'utf8' });
  if (!/^gpiochip\d+/m.test(detect.stdout ?? '')) return 'no GPIO chip on this machine (gpiodetect lists none)';
  try {
    findLine(parseGpiodVersion(tools.stdout), line, 'lock.line');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether the kernel, asked through `gpioinfo`, has the line requested as an output now (a failed query: no). */
export async function lineDriven(version: GpiodVersion, line: LineAddress): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync('gpioinfo', lineInfoArgs(version, line), { encoding: 'utf8', timeout: 5000 });
    return parseLineDriven(version, stdout, line.offset);
  } catch {
    return false;
  }
}
