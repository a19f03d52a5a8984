/** libgpiod tool generations: Debian 12 / Pi OS Bookworm ship v1.6; Debian 13 / Pi OS Trixie ship v2. */
export type GpiodVersion = 1 | 2;

/** The major version from `gpioset --version` ("gpioset (libgpiod) v1.6.3" or "gpioset (libgpiod) v2.2.1"). */
export function parseGpiodVersion(output: string): GpiodVersion {
  const m = output.match(/libgpiod\)?\s+v?(\d+)\./);
  if (!m) throw new Error(`cannot tell the libgpiod version from: ${output.trim().split('\n')[0] ?? ''}`);
  return Number(m[1]) >= 2 ? 2 : 1;
}

/** Where a line is: its chip (device name) and offset, as `gpiofind` (v1) or `gpioinfo LINE` (v2) print it. */
export interface LineAddress {
  readonly chip: string;
  readonly offset: number;
}

/** Parses `gpiofind GPIO17` (v1: "gpiochip0 17") or `gpioinfo GPIO17` (v2: 'gpiochip0 17\t"GPIO17"\tinput'). */
export function parseLineAddress(output: string): LineAddress | undefined {
  const m = output.trim().match(/^(gpiochip\d+)\s+(\d+)/m);
  return m ? { chip: m[1] as string, offset: Number(m[2]) } : undefined;
}

/** `gpioinfo` arguments that show one line's state: v1 lists the whole chip, v2 takes the chip and offset. */
export function lineInfoArgs(version: GpiodVersion, line: LineAddress): string[] {
  return version === 1 ? [line.chip] : ['-c', line.chip, String(line.offset)];
}

/**
 * Whether `gpioinfo` shows the line requested as an output, i.e. driven: v1 prints
 * `line  17: "GPIO17" "gpioset" output active-high [used]`, v2 `gpiochip0 17 "GPIO17" output consumer="gpioset"`.
 */
export function parseLineDriven(version: GpiodVersion, output: string, offset: number): boolean {
  const pattern =
    version === 1
      ? new RegExp(`^\\s*line\\s+${offset}:(.*)$`, 'm')
      : new RegExp(`^\\s*(?:gpiochip\\d+\\s+|line\\s+)${offset}:?\\s(.*)$`, 'm');
  const rest = output.match(pattern)?.[1];
  if (rest === undefined || !/\boutput\b/.test(rest)) return false;
  return version === 1 ? /\[[^\]]*\bused\b[^\]]*\]/.test(rest) : /\bconsumer=/.test(rest);
}

/**
 * A `gpioset` that drives the line and holds it while it runs, and exits when its standard input closes (v1:
 * `--mode=wait` ends on ENTER or end of input; v2: `-i` interactive mode ends at end of input). So when the daemon
 * dies, its holder exits and releases the line.
 */
export function holdArgs(version: GpiodVersion, line: LineAddress, value: 0 | 1, activeLow: boolean): string[] {
  const low = activeLow ? ['-l'] : [];
  if (version === 1) return ['--mode=wait', ...low, line.chip, `${line.offset}=${value}`];
  return ['-c', line.chip, '-i', ...low, `${line.offset}=${value}`];
}

/** `gpiomon` printing "<offset> <edge>" per event, line-buffered; edges: v1 1 rising / 0 falling, v2 1 / 2. */
export function monitorArgs(
  version: GpiodVersion,
  chip: string,
  offsets: readonly number[],
  activeLow: boolean,
  debounceMs: number,
): string[] {
  const low = activeLow ? ['-l'] : [];
  if (version === 1) return ['-b', ...low, '-F', '%o %e', chip, ...offsets.map(String)];
  return ['-c', chip, ...low, '-p', `${debounceMs}ms`, '-F', '%o %e', ...offsets.map(String)];
}

/** One `gpiomon` output line as (offset, rising); undefined for anything else. */
export function parseMonitorLine(version: GpiodVersion, text: string): { offset: number; rising: boolean } | undefined {
  const m = text.trim().match(/^(\d+)\s+(\d)$/);
  if (!m) return undefined;
  const edge = Number(m[2]);
  const rising = edge === 1;
  const falling = version === 1 ? edge === 0 : edge === 2;
  return rising || falling ? { offset: Number(m[1]), rising } : undefined;
}
