import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockError } from '../../../common/errors.js';

export interface SysfsChip {
  readonly name: string;
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
}

/** The Pi's header GPIO controller, by label: RP1 on a Pi 5, the BCM2711/BCM2835 on earlier boards. */
export const PI_HEADER_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2712', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

/** The chips sysfs lists: /sys/class/gpio/gpiochipN/{base,label,ngpio}. */
export function sysfsChips(root: string): SysfsChip[] {
  if (!existsSync(root)) {
    throw new LockError(
      `sysfs GPIO is absent (${root} does not exist): this kernel has no CONFIG_GPIO_SYSFS; use lock.driver gpiod (the libgpiod tools) instead`,
    );
  }
  const read = (chip: string, file: string) => readFileSync(join(root, chip, file), 'utf8').trim();
  return readdirSync(root)
    .filter((n) => n.startsWith('gpiochip'))
    .map((name) => ({ name, label: read(name, 'label'), base: Number(read(name, 'base')), ngpio: Number(read(name, 'ngpio')) }));
}

/**
 * The global sysfs number of a header line named `GPIO<n>`: the base of the header controller (found by label, never
 * assumed: it is 0 on older kernels, 512 on Bookworm's 6.6 kernels and 571 for the RP1 of a Pi 5) plus n.
 */
export function sysfsLineNumber(chips: readonly SysfsChip[], line: string): { chip: SysfsChip; number: number } {
  const m = /^GPIO(\d+)$/.exec(line);
  if (!m) throw new LockError(`the sysfs driver needs a header line named GPIO<n> (lock.line), got '${line}'`);
  const offset = Number(m[1]);
  const chip = PI_HEADER_LABELS.map((l) => chips.find((c) => c.label === l)).find((c) => c !== undefined);
  if (!chip) {
    throw new LockError(
      `no Raspberry Pi GPIO controller in sysfs (chips: ${chips.map((c) => `${c.name} ${c.label}`).join(', ') || 'none'}): use lock.driver gpiod`,
    );
  }
  if (offset >= chip.ngpio) throw new LockError(`${line} is beyond ${chip.label}'s ${chip.ngpio} lines`);
  return { chip, number: chip.base + offset };
}
