/**
 * The configuration keys Home Assistant documents for MQTT discovery of each component (home-assistant.io,
 * source/_integrations/{lock,event,binary_sensor,sensor,device_trigger}.mqtt.markdown): a discovery payload may use
 * only these, and must carry the required ones. Abbreviations are not used by facelock, so they are not listed.
 */
const ENTITY_COMMON = [
  'availability',
  'availability_mode',
  'availability_template',
  'availability_topic',
  'device',
  'enabled_by_default',
  'encoding',
  'entity_category',
  'icon',
  'json_attributes_template',
  'json_attributes_topic',
  'name',
  'object_id',
  'payload_available',
  'payload_not_available',
  'qos',
  'unique_id',
  'value_template',
] as const;

export const HA_DISCOVERY_KEYS: Record<string, { required: readonly string[]; allowed: readonly string[] }> = {
  lock: {
    required: ['command_topic'],
    allowed: [
      ...ENTITY_COMMON,
      'code_format',
      'command_template',
      'command_topic',
      'optimistic',
      'payload_lock',
      'payload_open',
      'payload_reset',
      'payload_unlock',
      'retain',
      'state_jammed',
      'state_locked',
      'state_locking',
      'state_open',
      'state_opening',
      'state_topic',
      'state_unlocked',
      'state_unlocking',
    ],
  },
  event: { required: ['event_types', 'state_topic'], allowed: [...ENTITY_COMMON, 'device_class', 'event_types', 'state_topic'] },
  binary_sensor: {
    required: ['state_topic'],
    allowed: [...ENTITY_COMMON, 'device_class', 'expire_after', 'force_update', 'off_delay', 'payload_off', 'payload_on', 'state_topic'],
  },
  sensor: {
    required: ['state_topic'],
    allowed: [
      ...ENTITY_COMMON,
      'device_class',
      'expire_after',
      'force_update',
      'last_reset_value_template',
      'options',
      'state_class',
      'state_topic',
      'suggested_display_precision',
      'unit_of_measurement',
    ],
  },
  device_automation: {
    required: ['automation_type', 'topic', 'type', 'subtype', 'device'],
    allowed: ['automation_type', 'payload', 'qos', 'topic', 'type', 'subtype', 'device', 'value_template'],
  },
};

/** The device keys every component documents. */
export const HA_DEVICE_KEYS = [
  'configuration_url',
  'connections',
  'hw_version',
  'identifiers',
  'manufacturer',
  'model',
  'name',
  'suggested_area',
  'sw_version',
  'via_device',
];

/** Documented device classes used by facelock (binary_sensor: door, tamper, problem; sensor: duration). */
export const HA_DEVICE_CLASSES: Record<string, readonly string[]> = {
  binary_sensor: ['door', 'tamper', 'problem', 'opening', 'lock', 'safety'],
  sensor: ['duration', 'timestamp', 'enum'],
  event: ['button', 'doorbell', 'motion'],
};

/** What is wrong with a discovery payload for a component, per the documented keys ([] when it conforms). */
export function discoveryProblems(component: string, payload: Record<string, unknown>): string[] {
  const schema = HA_DISCOVERY_KEYS[component];
  if (!schema) return [`no documented schema for ${component}`];
  const problems = [
    ...Object.keys(payload)
      .filter((k) => !schema.allowed.includes(k))
      .map((k) => `${component}: undocumented key ${k}`),
    ...schema.required.filter((k) => payload[k] === undefined).map((k) => `${component}: missing required ${k}`),
  ];
  const device = payload.device as Record<string, unknown> | undefined;
  if (device) {
    problems.push(
      ...Object.keys(device)
        .filter((k) => !HA_DEVICE_KEYS.includes(k))
        .map((k) => `${component}: undocumented device key ${k}`),
    );
    if (!device.identifiers && !device.connections) problems.push(`${component}: the device needs identifiers or connections`);
  }
  const dc = payload.device_class;
  if (typeof dc === 'string' && !HA_DEVICE_CLASSES[component]?.includes(dc))
    problems.push(`${component}: device_class ${dc} is not one facelock expects`);
  return problems;
}
