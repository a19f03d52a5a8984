import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  holdArgs,
  lineInfoArgs,
  monitorArgs,
  parseGpiodVersion,
  parseLineAddress,
  parseLineDriven,
  parseMonitorLine,
} from './gpiodArgs.js';

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

  it('tells a line held as an output from a free, input or other line in v1 and v2 gpioinfo output', () => {
    const v1 = [
      'gpiochip0 - 54 lines:',
      '\tline  16:     "GPIO16"       unused   input  active-high ',
      '\tline  17:     "GPIO17"    "gpioset"  output  active-high [used]',
      '\tline  18:     "GPIO18"    "gpioset"   input  active-high [used]',
      '\tline 170:      unnamed    "gpioset"  output  active-high [used]',
    ].join('\n');
    expect(lineInfoArgs(1, { chip: 'gpiochip0', offset: 17 })).toEqual(['gpiochip0']);
    expect(parseLineDriven(1, v1, 17)).toBe(true);
    expect(parseLineDriven(1, v1, 16)).toBe(false);
    expect(parseLineDriven(1, v1, 18)).toBe(false);
    expect(parseLineDriven(1, v1.replace('output  active-high [used]', 'output  active-high'), 17)).toBe(false);
    expect(lineInfoArgs(2, { chip: 'gpiochip4', offset: 17 })).toEqual(['-c', 'gpiochip4', '17']);
    expect(parseLineDriven(2, 'gpiochip4 17\t"GPIO17"\toutput consumer="gpioset"\n', 17)).toBe(true);
    expect(parseLineDriven(2, 'gpiochip4 17\t"GPIO17"\tinput\n', 17)).toBe(false);
    expect(parseLineDriven(2, 'gpiochip4 17\t"GPIO17"\toutput\n', 17)).toBe(false);
    expect(parseLineDriven(2, 'gpiochip4 170\tunnamed\toutput consumer="gpioset"\n', 17)).toBe(false);
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
