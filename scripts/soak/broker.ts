import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, sleep } from './soakWorld.js';

/** A real mosquitto broker on a loopback port, or undefined where mosquitto is not installed. */
export async function startBroker(dir: string): Promise<{ url: string; stop: () => void } | undefined> {
  if (spawnSync('sh', ['-c', 'command -v mosquitto']).status !== 0) return undefined;
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = new Socket();
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
      sock.connect(port, '127.0.0.1');
    });
    if (open) break;
    await sleep(50);
  }
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
