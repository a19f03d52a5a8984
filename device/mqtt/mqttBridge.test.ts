import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { mosquittoInstalled, startMosquitto } from '../../test/mosquitto.js';
import { parseConfig } from '../config/loadConfig.js';
import { DoorStatus } from '../status/doorStatus.js';
import { MAX_COMMAND_BYTES, MqttBridge, type MqttBridgeOptions, type RemoteDoor } from './mqttBridge.js';

const ready = mosquittoInstalled();
let dir: string;
let broker: Awaited<ReturnType<typeof startMosquitto>>;
let client: MqttClient;
const seen: { topic: string; text: string }[] = [];

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-mqtt-'));
  broker = await startMosquitto(dir);
  client = await connectAsync(broker.url);
  await client.subscribeAsync('facelock/#');
  client.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }));
});
afterAll(async () => {
  await client?.endAsync();
  broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A bridge on the real broker with a door that records what it was asked to do. */
async function bridge(deviceId: string, o: Partial<MqttBridgeOptions> & { lockedOut?: boolean } = {}) {
  const asked: string[] = [];
  const records: string[] = [];
  const lines: string[] = [];
  const door: RemoteDoor = {
    unlock: async () => {
      asked.push('unlock');
      return true;
    },
    lock: async () => {
      asked.push('lock');
    },
    record: (d) => records.push(d),
    lockedOut: () => o.lockedOut ?? false,
  };
  const b = MqttBridge.start(
    {
      url: broker.url,
      deviceId,
      discoveryPrefix: 'homeassistant',
      topicPrefix: 'facelock',
      remoteCommands: true,
      commandSecret: 'right-code-123',
      ...o,
    },
    new DoorStatus(),
    door,
    createLogger({ level: 'debug', write: (l) => lines.push(l) }),
  );
  await waitFor(() => seen.some((m) => m.topic === `facelock/${deviceId}/availability` && m.text === 'online'));
  await new Promise((r) => setTimeout(r, 200)); // the subscription is acknowledged after the connect
  return { b, asked, records, lines };
}

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  for (let t = 0; t < ms && !pred(); t += 25) await new Promise((r) => setTimeout(r, 25));
}

const results = (deviceId: string) =>
  seen
    .filter((m) => m.topic === `facelock/${deviceId}/command_result`)
    .map((m) => JSON.parse(m.text) as { accepted: boolean; reason: string });

describe.runIf(ready)('remote commands over a real mosquitto broker', () => {
  it('ignores a retained UNLOCK: it would act again on every connect and every restart', async () => {
    await client.publishAsync('facelock/retained/set', '{"command":"UNLOCK","code":"right-code-123"}', { retain: true, qos: 1 });
    const d = await bridge('retained');
    await waitFor(() => d.lines.some((l) => /retained remote command ignored/.test(l)));
    expect(d.lines.some((l) => /retained remote command ignored/.test(l))).toBe(true);
    expect(d.asked).toEqual([]);
    // a live command with the code still works
    await client.publishAsync('facelock/retained/set', '{"command":"UNLOCK","code":"right-code-123"}', { qos: 1 });
    await waitFor(() => d.asked.length > 0);
    expect(d.asked).toEqual(['unlock']);
    await client.publishAsync('facelock/retained/set', '', { retain: true, qos: 1 });
    await d.b.stop();
  });

  it('does not even subscribe with remote commands off: junk on the topic reaches nothing, and no row is written', async () => {
    const d = await bridge('disabled', { remoteCommands: false });
    for (let i = 0; i < 200; i++) await client.publishAsync('facelock/disabled/set', `junk ${i} ${'x'.repeat(1000)}`, { qos: 0 });
    await client.publishAsync('facelock/disabled/set', '{"command":"UNLOCK","code":"right-code-123"}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(d.asked).toEqual([]);
    expect(d.records).toEqual([]);
    expect(results('disabled')).toEqual([]);
    await d.b.stop();
  });

  it('refuses a payload over the cap unread, and throttles wrong codes so that the right one is refused too', async () => {
    const d = await bridge('guess');
    await client.publishAsync('facelock/guess/set', `{"command":"UNLOCK","code":"${'a'.repeat(MAX_COMMAND_BYTES)}"}`, { qos: 1 });
    for (let i = 0; i < 6; i++) await client.publishAsync('facelock/guess/set', `{"command":"UNLOCK","code":"guess-${i}"}`, { qos: 1 });
    await client.publishAsync('facelock/guess/set', '{"command":"UNLOCK","code":"right-code-123"}', { qos: 1 });
    await waitFor(() => results('guess').length === 8);
    const r = results('guess');
    expect(r[0]?.reason).toMatch(/payload of \d+ bytes refused unread/);
    expect(r.slice(1, 4).map((x) => x.reason)).toEqual(Array(3).fill('missing or wrong code'));
    expect(r[4]?.reason).toMatch(/missing or wrong code \(4 in a row: codes are not checked for 2 s\)/);
    expect(r[7]).toMatchObject({ accepted: false, reason: expect.stringMatching(/too many wrong codes/) });
    expect(d.asked).toEqual([]);
    // one audit row per code checked (4), none for what was refused unread
    expect(d.records).toHaveLength(4);
    expect(d.records.join('\n').length).toBeLessThan(1000);
    await d.b.stop();
  });

  it('refuses a remote unlock while the door is locked out, and keeps broker credentials out of the log', async () => {
    const url = broker.url.replace('mqtt://', 'mqtt://door:hunter2-secret@');
    const d = await bridge('lockedout', { lockedOut: true, url });
    await client.publishAsync('facelock/lockedout/set', '{"command":"UNLOCK","code":"right-code-123"}', { qos: 1 });
    await client.publishAsync('facelock/lockedout/set', '{"command":"LOCK","code":"right-code-123"}', { qos: 1 });
    await waitFor(() => results('lockedout').length === 2);
    expect(results('lockedout')).toEqual([
      { command: 'UNLOCK', accepted: false, reason: expect.stringMatching(/locked out/) },
      { command: 'LOCK', accepted: true, reason: 'locked' },
    ]);
    expect(d.asked).toEqual(['lock']);
    expect(d.lines.join('\n')).toMatch(/MQTT connected url=mqtt:\/\/\*\*\*@127\.0\.0\.1/);
    expect(d.lines.join('\n')).not.toMatch(/hunter2/);
    await d.b.stop();
  });
});

describe('remote commands need TLS and broker credentials off this machine', () => {
  const cfg = (mqtt: object) => () =>
    parseConfig({ mqtt: { remoteCommands: true, commandSecretFile: '/etc/facelock/code', ...mqtt } }, 'test');
  it('refuses plain mqtt:// to another machine, and accepts loopback or mqtts:// with credentials', () => {
    expect(cfg({ url: 'mqtt://broker.lan:1883' })).toThrow(/need TLS \(an mqtts:\/\/ URL\) and broker credentials/);
    expect(cfg({ url: 'mqtts://broker.lan:8883' })).toThrow(/broker credentials/);
    expect(cfg({ url: 'mqtt://127.0.0.1:1883' })).not.toThrow();
    expect(cfg({ url: 'mqtt://[::1]:1883' })).not.toThrow();
    expect(cfg({ url: 'mqtts://broker.lan:8883', username: 'door', passwordFile: '/etc/facelock/mqtt-password' })).not.toThrow();
    // without remote commands a plain broker is fine: nothing that opens the door travels over it
    expect(() => parseConfig({ mqtt: { url: 'mqtt://broker.lan:1883' } }, 'test')).not.toThrow();
  });
});
