import { createServer, type Server } from 'node:http';
import type { Logger } from '../../common/logger.js';
import { isLoopbackHost } from '../../common/loopbackHost.js';
import type { DoorStatus } from './doorStatus.js';

/**
 * The local status interface on loopback: `/healthz` (200 while frames arrive, 503 otherwise), `/status` (JSON) and
 * `/metrics` (Prometheus text format). Read-only: nothing here can open the door, and nothing biometric is served.
 */
export async function startStatusServer(
  status: DoorStatus,
  options: { host: string; port: number; staleSeconds: number },
  log: Logger,
): Promise<Server | undefined> {
  if (options.port === 0) return undefined;
  const server = createServer((req, res) => {
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    // a web page the owner opens can make the browser ask this port under its own name (DNS rebinding): only the
    // loopback names and the configured address are answered
    if (!allowedHost(req.headers.host, options.host)) return send(421, 'text/plain', 'this interface answers only as localhost\n');
    if (req.method !== 'GET') return send(405, 'text/plain', 'read-only: GET /healthz, /status, /metrics\n');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const age = status.secondsSinceFrame();
      return age <= options.staleSeconds
        ? send(200, 'text/plain', 'ok\n')
        : send(503, 'text/plain', `no camera frame for ${Number.isFinite(age) ? age.toFixed(1) : 'ever'} s\n`);
    }
    if (path === '/status') return send(200, 'application/json', `${JSON.stringify(status.snapshot())}\n`);
    if (path === '/metrics') {
      void status.registry.metrics().then(
        (text) => send(200, status.registry.contentType, text),
        (err: unknown) => send(500, 'text/plain', `${String(err)}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found: /healthz, /status, /metrics\n');
  });
  return new Promise((resolve) => {
    server.once('error', (err) => {
      // the door works without its status page: say why it is missing and go on
      log.error('status interface not started', { host: options.host, port: options.port, error: (err as Error).message });
      resolve(undefined);
    });
    server.listen(options.port, options.host, () => {
      log.info('status interface', { url: `http://${options.host}:${options.port}/status` });
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a request's Host header names this machine: localhost, a loopback address, or the address listened on. */
export function allowedHost(header: string | undefined, listenHost: string): boolean {
  if (!header) return false;
  const host = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : (header.split(':')[0] ?? '');
  return isLoopbackHost(host) || host.toLowerCase() === listenHost.toLowerCase();
}
