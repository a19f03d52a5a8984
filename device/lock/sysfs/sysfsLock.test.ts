import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { FakeSysfs } from '../../../test/fakeSysfs.js';
import { sysfsChips, sysfsLineNumber } from './sysfsChips.js';
import { SysfsLock } from './sysfsLock.js';

describe('sysfs relay driver (fake /sys/class/gpio with a polling "kernel")', () => {
  const dirs: string[] = [];
  const fakes: FakeSysfs[] = [];
  const sysfs = (chips: ConstructorParameters<typeof FakeSysfs>[1]) => {
    const dir = mkdtempSync(join(tmpdir(), 'facelock-sysfs-'));
    dirs.push(dir);
    const f = new FakeSysfs(join(dir, 'gpio'), chips);
    fakes.push(f);
    return f;
  };
  afterEach(() => {
    for (const f of fakes.splice(0)) f.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('finds the header controller by label, whatever its base: 0 (old kernels), 512 (Bookworm 6.6), 571 (Pi 5 RP1)', () => {
    for (const [label, base] of [
      ['pinctrl-bcm2835', 0],
      ['pinctrl-bcm2711', 512],
      ['pinctrl-rp1', 571],
    ] as const) {
      const f = sysfs([
        { label: 'raspberrypi-exp-gpio', base: base === 571 ? 512 : 600, ngpio: 8 },
        { label, base, ngpio: 54 },
      ]);
      expect(sysfsLineNumber(sysfsChips(f.root), 'GPIO17').number).toBe(base + 17);
    }
  });

  it('exports the line, holds it inactive, pulses it, and unexports it on close (active-low relay board)', async () => {
    const f = sysfs([{ label: 'pinctrl-rp1', base: 571, ngpio: 54 }]);
    const lock = await SysfsLock.open({ root: f.root, line: 'GPIO17', activeLow: true }, silentLogger);
    expect(f.line(588)).toEqual({ direction: 'low', value: '0', activeLow: '1' });
    await lock.unlock();
    expect(f.line(588)?.value).toBe('1');
    await lock.lock();
    expect(f.line(588)?.value).toBe('0');
    await lock.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.line(588)).toBeUndefined();
  });

  it('says clearly when sysfs GPIO is absent, when there is no Pi controller, and when a line name is not GPIO<n>', async () => {
    await expect(SysfsLock.open({ root: '/nonexistent/gpio', line: 'GPIO17', activeLow: false }, silentLogger)).rejects.toThrow(
      /sysfs GPIO is absent .*use lock.driver gpiod/,
    );
    const other = sysfs([{ label: 'gpio-mockup-A', base: 0, ngpio: 8 }]);
    await expect(SysfsLock.open({ root: other.root, line: 'GPIO17', activeLow: false }, silentLogger)).rejects.toThrow(
      /no Raspberry Pi GPIO controller in sysfs \(chips: gpiochip0 gpio-mockup-A\)/,
    );
    const pi = sysfs([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    await expect(SysfsLock.open({ root: pi.root, line: 'RELAY', activeLow: false }, silentLogger)).rejects.toThrow(/GPIO<n>/);
  });
});
