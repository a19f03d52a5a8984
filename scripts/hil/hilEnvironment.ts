import { existsSync, readFileSync } from 'node:fs';

/**
 * Where the hardware-in-the-loop suite runs: a Raspberry Pi with jumpers (see scripts/hil/README.md). Off a Pi, or
 * without FACELOCK_HIL=1, every test is skipped and the reason printed.
 */
export interface HilLines {
  /** The relay output the daemon drives. */
  readonly relay: string;
  /** An input jumpered to the relay pin (with a pull-down): reads what the relay pin does. */
  readonly sense: string;
  /** An output jumpered to the exit-button input, and that input. */
  readonly exitDrive: string;
  readonly exit: string;
  /** An output jumpered to the door-contact input, and that input. */
  readonly contactDrive: string;
  readonly contact: string;
}

export function hilLines(env: NodeJS.ProcessEnv = process.env): HilLines {
  return {
    relay: env.FACELOCK_HIL_RELAY ?? 'GPIO17',
    sense: env.FACELOCK_HIL_SENSE ?? 'GPIO27',
    exitDrive: env.FACELOCK_HIL_EXIT_DRIVE ?? 'GPIO5',
    exit: env.FACELOCK_HIL_EXIT ?? 'GPIO23',
    contactDrive: env.FACELOCK_HIL_CONTACT_DRIVE ?? 'GPIO6',
    contact: env.FACELOCK_HIL_CONTACT ?? 'GPIO22',
  };
}

/** Why the suite cannot run here, or undefined when it can. */
export function hilSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const model = existsSync('/proc/device-tree/model') ? readFileSync('/proc/device-tree/model', 'utf8').replace(/\0/g, '') : '';
  if (!/Raspberry Pi/.test(model)) return `not a Raspberry Pi (${model || 'no /proc/device-tree/model'})`;
  if (env.FACELOCK_HIL !== '1') return 'FACELOCK_HIL=1 is not set: wire the jumpers of scripts/hil/README.md first, then set it';
  return undefined;
}
