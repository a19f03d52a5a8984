import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { holdArgs, monitorArgs, parseGpiodVersion, parseLineAddress, parseMonitorLine } from './gpiodArgs.js';

const realGpioset = spawnSync('gpioset', ['--version'], { encoding: 'utf8' });

describe('libgpiod tool syntax', () => {
  it.runIf(realGpioset.status === 0)("reads the version of the installed gpioset (Debian's gpiod package)", () => {
    expect([1, 2]).toContain(parseGpiodVersion(realGpioset.stdout));
  });

  it('tells v1 from v2 and refuses what it cannot read', () => {
    expect(parseGpiodVersion('gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018')).toBe(1);
    expect(parseGpiodVersion('gpioset (libgpiod) v2.2.1\n')).toBe(2);
    expect(() => parseGpiodVersion('command not found')).toThrow(/cannot tell the libgpiod version/);
  });

  it('finds the chip and offset of a named line in v1 and v2 output', () => {
    expect(parseLineAddress('gpiochip0 17\n')).toEqual({ chip: 'gpiochip0', offset: 17 });
    expect(parseLineAddress('gpiochip4 17\t"GPIO17"\t\tinput\n')).toEqual({ chip: 'gpiochip4', offset: 17 });
    expect(parseLineAddress('')).toBeUndefined();
  });

  it('holds a line with a gpioset that ends with its standard input, in both syntaxes', () => {
    expect(holdArgs(1, { chip: 'gpiochip0', offset: 17 }, 1, false)).toEqual(['--mode=wait', 'gpiochip0', '17=1']);
    expect(holdArgs(2, { chip: 'gpiochip0', offset: 17 }, 0, true)).toEqual(['-c', 'gpiochip0', '-i', '-l', '17=0']);
  });

  it('monitors inputs and reads their edges, whose numbering differs between versions', () => {
    expect(monitorArgs(1, 'gpiochip0', [22, 23], false, 20)).toEqual(['-b', '-F', '%o %e', 'gpiochip0', '22', '23']);
    expect(monitorArgs(2, 'gpiochip0', [22], true, 20)).toEqual(['-c', 'gpiochip0', '-l', '-p', '20ms', '-F', '%o %e', '22']);
    expect(parseMonitorLine(1, '22 0')).toEqual({ offset: 22, rising: false });
    expect(parseMonitorLine(2, '22 2')).toEqual({ offset: 22, rising: false });
    expect(parseMonitorLine(2, '22 1')).toEqual({ offset: 22, rising: true });
    expect(parseMonitorLine(2, 'event: RISING EDGE')).toBeUndefined();
  });
});
