import { spawnSync } from 'node:child_process';
import { startBroker } from '../scripts/soak/broker.js';

export { freePort } from '../scripts/soak/soakWorld.js';

export function mosquittoInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v mosquitto']).status === 0;
}

/** A real mosquitto broker (Debian's package) on a loopback port, for as long as the test needs it. */
export async function startMosquitto(dir: string): Promise<{ url: string; stop: () => void }> {
  const broker = await startBroker(dir);
  if (!broker) throw new Error('mosquitto is not installed: .ci/run installs it (Debian package mosquitto)');
  return broker;
}
