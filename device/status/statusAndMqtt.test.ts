import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoorFixture, runUntil } from '../../test/daemonFixture.js';
import { datasetForTests } from '../../test/datasets.js';
import { freePort, mosquittoInstalled, startMosquitto } from '../../test/mosquitto.js';

const lfw = datasetForTests('lfw', 'the status interface and MQTT on a replayed door');

interface Message {
  topic: string;
  text: string;
}

const ready = lfw;
let f: DoorFixture;
let broker: Awaited<ReturnType<typeof startMosquitto>>;
let client: MqttClient;
const messages: Message[] = [];
beforeAll(async () => {
  if (!ready) return;
  expect(mosquittoInstalled(), 'mosquitto is installed by .ci/run (Debian package mosquitto)').toBe(true);
  f = await DoorFixture.create(lfw as string);
  broker = await startMosquitto(f.dir);
  client = await connectAsync(broker.url);
  await client.subscribeAsync(['homeassistant/#', 'facelock/#']);
  client.on('message', (topic, payload) => messages.push({ topic, text: payload.toString() }));
});
afterAll(async () => {
  await client?.endAsync();
  broker?.stop();
  f?.cleanup();
});
const waitFor = async (pred: (m: Message) => boolean, ms = 10_000) => {
  for (let t = 0; t < ms; t += 50) {
    const m = messages.find(pred);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
};

describe.runIf(ready)('facelock run: the local status interface and Home Assistant over a real mosquitto broker', () => {
  it('serves /healthz, /status and /metrics, announces the lock to Home Assistant, and takes remote commands only with the code', async () => {
    const port = await freePort();
    writeFileSync(join(f.dir, 'code'), 'open-sesame-42\n', { mode: 0o600 });
    const file = f.config(
      'status',
      `camera: { kind: replay, source: ${join(f.dir, 'laura-door')}, framerate: 5, loop: true }\nstatus: { port: ${port} }\nmqtt: { url: '${broker.url}', deviceId: frontdoor, remoteCommands: true, commandSecretFile: ${join(f.dir, 'code')} }\n`,
      `lock: { driver: sim, simFile: ${f.lockFile('status')}, unlockMs: 300 }`,
    );
    const run = await runUntil(file, process.env, 'decision outcome=unlock');
    try {
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      expect((await get('/healthz')).status).toBe(200);
      const status = (await (await get('/status')).json()) as { lastDecision: { outcome: string; user: string }; cameraFps: number };
      expect(status.lastDecision).toMatchObject({ outcome: 'unlock', user: 'laura' });
      expect(status.cameraFps).toBeGreaterThan(0);
      expect(JSON.stringify(status)).not.toMatch(/embedding|score/);
      const metrics = parsePrometheusTextFormat(await (await get('/metrics')).text());
      const family = (name: string) => metrics.find((m) => m.name === name);
      const unlocks = family('facelock_decisions_total')?.metrics.find((m) => m.labels?.outcome === 'unlock');
      expect(Number(unlocks?.value)).toBeGreaterThanOrEqual(1);
      expect(family('facelock_stage_seconds')?.type).toBe('HISTOGRAM');
      expect(Number(family('facelock_frames_total')?.metrics[0]?.value)).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/status`, { method: 'POST' })).status).toBe(405);

      const discovery = await waitFor((m) => m.topic === 'homeassistant/lock/frontdoor/config');
      expect(JSON.parse(discovery?.text ?? '{}')).toMatchObject({
        unique_id: 'frontdoor_lock',
        command_topic: 'facelock/frontdoor/set',
        state_topic: 'facelock/frontdoor/state',
        code_format: '^\\S+$',
      });
      expect(await waitFor((m) => m.topic === 'homeassistant/sensor/frontdoor_last_user/config')).toBeDefined();
      const event = await waitFor((m) => m.topic === 'facelock/frontdoor/event');
      expect(JSON.parse(event?.text ?? '{}')).toMatchObject({ outcome: 'unlock', user: 'laura' });
      expect((await waitFor((m) => m.topic === 'facelock/frontdoor/last_user'))?.text).toBe('laura');

      const result = async (payload: string) => {
        const before = messages.length;
        await client.publishAsync('facelock/frontdoor/set', payload);
        const r = await waitFor((m) => m.topic === 'facelock/frontdoor/command_result' && messages.indexOf(m) >= before);
        return JSON.parse(r?.text ?? '{}') as { accepted: boolean; reason: string };
      };
      expect(await result('UNLOCK')).toMatchObject({ accepted: false, reason: 'missing or wrong code' });
      expect(await result('{"command":"UNLOCK","code":"guess"}')).toMatchObject({ accepted: false });
      const unlocksBefore = f.transitions('status').filter((t) => t.state === 'unlocked').length;
      expect(await result('{"command":"UNLOCK","code":"open-sesame-42"}')).toMatchObject({ accepted: true });
      expect(f.transitions('status').filter((t) => t.state === 'unlocked').length).toBe(unlocksBefore + 1);
      expect(f.events().some((e) => e.kind === 'event' && /remote UNLOCK refused: missing or wrong code/.test(e.detail))).toBe(true);
      // the event entity: a face grant names the user, the remote grant says how; the audit row says so too
      const doorEvents = () =>
        messages.filter((m) => m.topic === 'facelock/frontdoor/events').map((m) => JSON.parse(m.text) as Record<string, unknown>);
      await waitFor((m) => m.topic === 'facelock/frontdoor/events' && m.text.includes('granted_remote'));
      expect(doorEvents().find((e) => e.event_type === 'granted_face')).toMatchObject({ method: 'face', user: 'laura', door: 'frontdoor' });
      expect(doorEvents().find((e) => e.event_type === 'granted_remote')).toMatchObject({ method: 'remote', door: 'frontdoor' });
      expect(doorEvents().find((e) => e.event_type === 'granted_remote')?.user).toBeUndefined();
      expect(f.attempts().some((a) => a.outcome === 'unlock' && a.reason === 'remote')).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    expect(messages.some((m) => m.topic === 'facelock/frontdoor/availability' && m.text === 'offline')).toBe(true);
  });
});
