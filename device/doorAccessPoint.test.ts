import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUntil } from '../test/daemonFixture.js';
import { fakeGpioEnv } from '../test/fakeGpio.js';
import { discoveryProblems } from '../test/homeAssistantSchemas.js';
import { mosquittoInstalled, startMosquitto } from '../test/mosquitto.js';
import { runCli } from '../test/runCli.js';
import { DOOR_EVENT_TYPES } from './status/doorEvents.js';

const ready = mosquittoInstalled();
let dir: string;
let broker: Awaited<ReturnType<typeof startMosquitto>>;
let client: MqttClient;
const seen: { topic: string; text: string; retain: boolean }[] = [];
const base = () => ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-door-'));
  broker = await startMosquitto(dir);
  client = await connectAsync(broker.url);
  client.on('message', (topic, payload, packet) => seen.push({ topic, text: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(['facelock/frontdoor/#', 'homeassistant/#']);
  expect((await runCli([...base(), 'key', 'init'])).code).toBe(0);
  // an empty grey scene: the camera runs, no face is ever seen (this test is about the door, not the faces)
  mkdirSync(join(dir, 'scene'));
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .jpeg()
    .toFile(join(dir, 'scene', 'grey.jpg'));
});
afterAll(async () => {
  await client?.endAsync();
  broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(pred: () => boolean, ms = 20_000): Promise<boolean> {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
}

const events = () => seen.filter((m) => m.topic === 'facelock/frontdoor/events').map((m) => JSON.parse(m.text) as Record<string, string>);

/** The replayed door: gpiomon's script, and the relay line made busy for one press (JAMMED), then freed. */
async function replayDoor(): Promise<number | null> {
  // offsets 22 contact (active: closed), 23 exit button, 24 tamper; delays in ms from gpiomon's start
  const script = [
    '100 22 rising', // closed
    '400 23 rising', // exit button: a grant, the relay opens for 1 s
    '100 23 falling',
    '400 22 falling', // opened while unlocked: legitimate
    '8000 22 rising', // closed after 8 s: held open (limit 5 s) raised, then cleared
    '2000 22 falling', // opened 10 s after the grant, relay locked: forced open
    '1000 22 rising', // closed: cleared
    '500 24 rising', // enclosure opened: tamper
    '500 24 falling', // closed again
    '3000 23 rising', // exit button with the relay line busy: jammed
    '100 23 falling',
    '4000 23 rising', // the line free again: the relay drives, jammed clears
    '100 23 falling',
  ];
  writeFileSync(join(dir, 'events.txt'), script.join('\n'));
  const busy = join(dir, 'busy');
  const config = join(dir, 'door.yaml');
  writeFileSync(
    config,
    `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\ncamera: { kind: replay, source: ${join(dir, 'scene')}, framerate: 5, loop: true }\nlock: { driver: gpiod, line: GPIO17, unlockMs: 1000 }\ninputs: { driver: gpiod, doorContact: GPIO22, exitButton: GPIO23, tamper: GPIO24 }\ndoor: { heldOpenMs: 5000 }\nstatus: { port: 0 }\nmqtt: { url: '${broker.url}', deviceId: frontdoor }\n`,
    { mode: 0o600 },
  );
  const env = fakeGpioEnv(2, {
    FAKE_GPIO_STATE: join(dir, 'gpio.jsonl'),
    FAKE_GPIO_EVENTS: join(dir, 'events.txt'),
    FAKE_GPIO_BUSY_FILE: busy,
  });
  const daemon = await runUntil(config, env, 'watching the door');
  try {
    expect(await until(() => daemon.output().includes('alarm cleared: tamper'))).toBe(true);
    writeFileSync(busy, '17'); // before the next press (3 s later): the relay line is taken
    expect(await until(() => seen.some((m) => m.topic === 'facelock/frontdoor/state' && m.text === 'JAMMED'))).toBe(true);
    rmSync(busy);
    expect(await until(() => daemon.output().includes('alarm cleared: jammed'))).toBe(true);
  } finally {
    daemon.child.kill('SIGTERM');
  }
  return daemon.exited;
}

let exit: number | null;
beforeAll(async () => {
  if (ready) exit = await replayDoor();
}, 90_000);

describe.runIf(ready)('the door as an access point: alarms (real mosquitto, fake gpioset and gpiomon)', () => {
  it('raises and clears held-open and forced-open once each, tamper, and JAMMED when the relay cannot be driven', () => {
    expect(exit).toBe(0);
    const types = events().map((e) => (e.event_type === 'alarm_cleared' ? `cleared ${e.alarm}` : e.event_type));
    expect(types).toEqual([
      'granted_exit_button',
      'held_open',
      'cleared held_open',
      'forced_open',
      'cleared forced_open',
      'tamper',
      'cleared tamper',
      'jammed',
      'cleared jammed', // the relay drove again: cleared before the grant is recorded
      'granted_exit_button',
    ]);
    for (const e of events()) expect(DOOR_EVENT_TYPES).toContain(e.event_type);
    expect(events().every((e) => e.door === 'frontdoor')).toBe(true);
    // the device triggers fired once per alarm raised
    for (const alarm of ['held_open', 'forced_open', 'tamper', 'jammed'])
      expect(seen.filter((m) => m.topic === `facelock/frontdoor/alarm/${alarm}`).map((m) => m.text)).toEqual(['raised']);
    // the contact's binary sensor followed the door
    expect(seen.filter((m) => m.topic === 'facelock/frontdoor/contact').map((m) => m.text)).toEqual([
      'closed',
      'open',
      'closed',
      'open',
      'closed',
    ]);
  });

  it('keeps the alarms in the audit log, and every grant with its door, method and the alarms active then', async () => {
    const db = new Database(join(dir, 'state', 'facelock.db'), { readonly: true });
    const alarms = db.prepare("SELECT detail FROM events WHERE kind = 'alarm' ORDER BY id").all() as { detail: string }[];
    const grants = db
      .prepare("SELECT door, method, event_type AS eventType, alarms FROM attempts WHERE outcome = 'unlock' ORDER BY id")
      .all();
    const tamper = db.prepare("SELECT door, event_type AS eventType, alarms FROM attempts WHERE reason = 'tamper'").all();
    db.close();
    expect(alarms.map((a) => a.detail.split(':')[0])).toEqual([
      'held_open raised',
      'held_open cleared',
      'forced_open raised',
      'forced_open cleared',
      'tamper raised',
      'tamper cleared',
      'jammed raised',
      'jammed cleared',
    ]);
    expect(grants).toEqual([
      { door: 'frontdoor', method: 'exit_button', eventType: 'granted_exit_button', alarms: '' },
      { door: 'frontdoor', method: 'exit_button', eventType: 'granted_exit_button', alarms: '' },
    ]);
    expect(tamper).toEqual([{ door: 'frontdoor', eventType: 'tamper', alarms: 'tamper' }]);
  });

  it('shows the alarms to the owner: facelock attempts list and the coverage page', async () => {
    const list = await runCli([...base(), 'attempts', 'list', '--limit', '50']);
    expect(list.stdout.split('\n')[0]).toBe('id\tat\toutcome\treason\tuser\tscore\tpose\tluminance\tlabel\tmethod\talarms');
    expect(list.stdout.split('\n').filter((l) => /\talarm\t\w+ (raised|cleared)/.test(l))).toHaveLength(8);
    expect(list.stdout).toMatch(/\tunlock\texit_button\t.*\texit_button\t/);
    const page = join(dir, 'coverage.html');
    expect((await runCli([...base(), 'coverage', '--html', page])).code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/Raised: held open: 1, forced open: 1, tamper: 1, jammed: 1\./);
    expect(html.match(/class="alarm"/g)).toHaveLength(8);
  });
});

describe.runIf(ready)('the door in Home Assistant: discovery in the documented schemas (real mosquitto)', () => {
  it('announces the lock, the event entity, binary sensors, the lockout sensor and a trigger per alarm in the documented schemas', async () => {
    // read back as a Home Assistant that starts later does: the retained discovery payloads
    const later = await connectAsync(broker.url);
    const configs: { topic: string; text: string; retain: boolean }[] = [];
    later.on('message', (topic, payload, packet) => configs.push({ topic, text: payload.toString(), retain: packet.retain }));
    await later.subscribeAsync('homeassistant/#');
    await until(() => configs.length >= 12, 3000);
    await later.endAsync();
    const byComponent = new Map<string, Record<string, unknown>[]>();
    for (const m of configs) {
      const component = m.topic.split('/')[1] as string;
      byComponent.set(component, [...(byComponent.get(component) ?? []), JSON.parse(m.text) as Record<string, unknown>]);
    }
    expect([...byComponent.keys()].sort()).toEqual(['binary_sensor', 'device_automation', 'event', 'lock', 'sensor']);
    for (const [component, payloads] of byComponent) for (const p of payloads) expect(discoveryProblems(component, p)).toEqual([]);
    const lock = byComponent.get('lock')?.[0];
    expect(lock).toMatchObject({ state_jammed: 'JAMMED', availability_topic: 'facelock/frontdoor/availability' });
    expect(byComponent.get('event')?.[0]?.event_types).toEqual([...DOOR_EVENT_TYPES]);
    expect(
      byComponent
        .get('binary_sensor')
        ?.map((b) => b.device_class)
        .sort(),
    ).toEqual(['door', 'problem', 'tamper']);
    expect(byComponent.get('sensor')?.find((s) => s.device_class === 'duration')).toMatchObject({ unit_of_measurement: 's' });
    expect(
      byComponent
        .get('device_automation')
        ?.map((t) => t.subtype)
        .sort(),
    ).toEqual(['forced_open', 'held_open', 'jammed', 'tamper']);
    expect(configs.every((m) => m.retain && m.topic.endsWith('/config'))).toBe(true);
    expect(configs).toHaveLength(12); // lock, event, 3 binary sensors, 3 sensors, 4 triggers
    // nothing biometric: no payload carries a score, an embedding or an image
    expect(seen.some((m) => /embedding|"score"|base64|\\xff\\xd8/.test(m.text))).toBe(false);
  });
});
