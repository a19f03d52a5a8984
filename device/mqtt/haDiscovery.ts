import { ALARMS } from '../door/doorMonitor.js';
import { DOOR_EVENT_TYPES } from '../status/doorEvents.js';

export interface DiscoveryOptions {
  readonly deviceId: string;
  readonly discoveryPrefix: string;
  /** `topicPrefix/deviceId`: where the door's states and events are published. */
  readonly base: string;
  readonly remoteCommands: boolean;
  /** Announce the door contact and the tamper switch only when they are wired. */
  readonly contact: boolean;
  readonly tamper: boolean;
}

/** The retained topics of the door's states (the bridge publishes them; discovery points at them). */
export const stateTopics = (base: string) => ({
  lock: `${base}/state`,
  command: `${base}/set`,
  availability: `${base}/availability`,
  events: `${base}/events`,
  contact: `${base}/contact`,
  tamper: `${base}/tamper`,
  problem: `${base}/problem`,
  problemAttributes: `${base}/problem/attributes`,
  lockout: `${base}/lockout`,
  alarm: (alarm: string) => `${base}/alarm/${alarm}`,
  lastUser: `${base}/last_user`,
  lastOutcome: `${base}/last_outcome`,
});

/**
 * Home Assistant MQTT discovery for the door, in the documented schemas (home-assistant.io, integrations lock.mqtt,
 * event.mqtt, binary_sensor.mqtt, sensor.mqtt, device_trigger.mqtt): the lock (JAMMED when the relay cannot be
 * driven), an event entity for every decision and alarm, binary sensors for the contact, tamper and problems, the
 * lockout's remaining seconds, and a device trigger per alarm. Returns [topic, payload] pairs, published retained.
 */
export function discoveryMessages(o: DiscoveryOptions): [string, Record<string, unknown>][] {
  const t = stateTopics(o.base);
  const id = o.deviceId;
  const device = { identifiers: [id], name: `facelock ${id}`, manufacturer: 'facelock', model: 'face-verification door lock' };
  const common = { availability_topic: t.availability, device };
  const d = o.discoveryPrefix;
  const out: [string, Record<string, unknown>][] = [
    [
      `${d}/lock/${id}/config`,
      {
        name: 'Door',
        unique_id: `${id}_lock`,
        state_topic: t.lock,
        command_topic: t.command,
        payload_lock: 'LOCK',
        payload_unlock: 'UNLOCK',
        state_locked: 'LOCKED',
        state_unlocked: 'UNLOCKED',
        state_jammed: 'JAMMED',
        ...(o.remoteCommands ? { code_format: '^\\S+$', command_template: '{"command":"{{ value }}","code":"{{ code }}"}' } : {}),
        ...common,
      },
    ],
    [
      `${d}/event/${id}_events/config`,
      { name: 'Door events', unique_id: `${id}_events`, state_topic: t.events, event_types: [...DOOR_EVENT_TYPES], ...common },
    ],
    [
      `${d}/binary_sensor/${id}_problem/config`,
      {
        name: 'Problem',
        unique_id: `${id}_problem`,
        state_topic: t.problem,
        device_class: 'problem',
        json_attributes_topic: t.problemAttributes,
        ...common,
      },
    ],
    [
      `${d}/sensor/${id}_lockout/config`,
      {
        name: 'Lockout remaining',
        unique_id: `${id}_lockout`,
        state_topic: t.lockout,
        device_class: 'duration',
        unit_of_measurement: 's',
        state_class: 'measurement',
        ...common,
      },
    ],
    [`${d}/sensor/${id}_last_user/config`, { name: 'Last user', unique_id: `${id}_last_user`, state_topic: t.lastUser, ...common }],
    [
      `${d}/sensor/${id}_last_outcome/config`,
      { name: 'Last outcome', unique_id: `${id}_last_outcome`, state_topic: t.lastOutcome, ...common },
    ],
  ];
  if (o.contact)
    out.push([
      `${d}/binary_sensor/${id}_contact/config`,
      {
        name: 'Door contact',
        unique_id: `${id}_contact`,
        state_topic: t.contact,
        device_class: 'door',
        payload_on: 'open',
        payload_off: 'closed',
        ...common,
      },
    ]);
  if (o.tamper)
    out.push([
      `${d}/binary_sensor/${id}_tamper/config`,
      { name: 'Tamper', unique_id: `${id}_tamper`, state_topic: t.tamper, device_class: 'tamper', ...common },
    ]);
  for (const alarm of ALARMS)
    out.push([
      `${d}/device_automation/${id}_${alarm}/config`,
      { automation_type: 'trigger', topic: t.alarm(alarm), type: 'alarm', subtype: alarm, payload: 'raised', device },
    ]);
  return out;
}
