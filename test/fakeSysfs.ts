import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fake /sys/class/gpio: gpiochipN folders with base, label and ngpio, and a "kernel" that watches the export and
 * unexport files (polling) and creates or removes gpioN folders with direction, value and active_low, as the real
 * kernel does. Every value written is read back by the test from the files themselves.
 */
export class FakeSysfs {
  private timer: NodeJS.Timeout;

  constructor(
    readonly root: string,
    chips: readonly { label: string; base: number; ngpio: number }[],
  ) {
    mkdirSync(root, { recursive: true });
    chips.forEach((c) => {
      const dir = join(root, `gpiochip${c.base}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'label'), `${c.label}\n`);
      writeFileSync(join(dir, 'base'), `${c.base}\n`);
      writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
    });
    writeFileSync(join(root, 'export'), '');
    writeFileSync(join(root, 'unexport'), '');
    this.timer = setInterval(() => this.tick(), 5);
  }

  private tick(): void {
    const exp = readFileSync(join(this.root, 'export'), 'utf8').trim();
    if (exp) {
      writeFileSync(join(this.root, 'export'), '');
      const dir = join(this.root, `gpio${exp}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'direction'), 'in\n');
      writeFileSync(join(dir, 'value'), '0\n');
      writeFileSync(join(dir, 'active_low'), '0\n');
    }
    const unexp = readFileSync(join(this.root, 'unexport'), 'utf8').trim();
    if (unexp) {
      writeFileSync(join(this.root, 'unexport'), '');
      rmSync(join(this.root, `gpio${unexp}`), { recursive: true, force: true });
    }
  }

  line(number: number): { direction: string; value: string; activeLow: string } | undefined {
    const dir = join(this.root, `gpio${number}`);
    if (!existsSync(dir)) return undefined;
    const r = (f: string) => readFileSync(join(dir, f), 'utf8').trim();
    return { direction: r('direction'), value: r('value'), activeLow: r('active_low') };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
