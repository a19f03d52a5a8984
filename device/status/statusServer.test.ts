import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { freePort } from '../../test/mosquitto.js';
import { DoorStatus } from './doorStatus.js';
import { allowedHost, startStatusServer } from './statusServer.js';

const get = (port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/status', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

describe('the status interface answers only as this machine', () => {
  it('refuses a request whose Host header names another site (DNS rebinding), and serves localhost', async () => {
    const port = await freePort();
    const server = await startStatusServer(new DoorStatus(), { host: '127.0.0.1', port, staleSeconds: 10 }, silentLogger);
    try {
      expect(await get(port, `localhost:${port}`)).toBe(200);
      expect(await get(port, `127.0.0.1:${port}`)).toBe(200);
      expect(await get(port, `evil.example:${port}`)).toBe(421);
      expect(await get(port, 'localhost.evil.example')).toBe(421);
    } finally {
      server?.close();
    }
    expect(allowedHost('[::1]:8735', '127.0.0.1')).toBe(true);
    expect(allowedHost(undefined, '127.0.0.1')).toBe(false);
  });
});
