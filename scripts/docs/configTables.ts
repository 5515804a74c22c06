/**
 * The configuration tables of docs/*.md, generated from the settings declarations. A page marks a
 * table's place with `<!-- generated: NAME (npm run docs) -->` … `<!-- end generated -->`;
 * `npm run docs` rewrites what lies between, and test/docs/configTables.test.ts fails when a page
 * differs from what the declarations say.
 */
import { BROKER_CONFIG_DEFS } from '../../src/broker/config/BrokerConfig';
import { LONG_MAX, TOPIC_CONFIG_DEFS } from '../../src/broker/config/topicConfigDefs';
import { GROUP_COORDINATOR_CONFIG_DEFS } from '../../src/broker/group/config';
import { KAFKA_BINDER_CONFIG_DEFS } from '../../src/binder/kafka/config';
import { NATIVE_BINDER_CONFIG_DEFS } from '../../src/binder/native/config';
import type { ConfigDefs, ConfigKey } from '../../src/protocol/config/ConfigDef';
import { APPLICATION_CONFIG_DEFS, BINDING_CONSUMER_DEFS, BINDING_DEFS, BINDING_PRODUCER_DEFS } from '../../src/runtime/config/bindingDefs';

const code = (text: string): string => `\`${text}\``;

/** A default as the tables show it: numbers plain, anything else as code. */
function shownDefault(def: ConfigKey<unknown>): string {
  if (def.defaultDoc !== undefined) return def.defaultDoc;
  const value = def.default;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return code(String(value));
  if (Array.isArray(value)) return code(value.join(','));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return code(entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${String(v)}`).join(', ')} }`);
  }
  return '–';
}

function rows(defs: ConfigDefs<object>, withKafkaName: boolean): string[] {
  return (Object.entries(defs) as Array<[string, ConfigKey<unknown>]>).map(([key, def]) =>
    withKafkaName ? `| ${code(key)} | ${def.kafkaName ? code(def.kafkaName) : '–'} | ${shownDefault(def)} | ${def.doc} |` : `| ${code(key)} | ${shownDefault(def)} | ${def.doc} |`,
  );
}

function settingsTable(heading: string, defs: ConfigDefs<object>): string[] {
  return [`| ${heading} | default | meaning |`, '|---|---|---|', ...rows(defs, false)];
}

/** A table whose object-valued settings are shown key by key (`management.port`, ...). */
function expandedSettingsTable(heading: string, defs: ConfigDefs<object>): string[] {
  const flat: Record<string, ConfigKey<unknown>> = {};
  for (const [key, def] of Object.entries(defs) as Array<[string, ConfigKey<unknown>]>) {
    if (!def.fields) flat[key] = def;
    else for (const [sub, subDef] of Object.entries(def.fields) as Array<[string, ConfigKey<unknown>]>) flat[`${key}.${sub}`] = subDef;
  }
  return settingsTable(heading, flat as ConfigDefs<object>);
}

function brokerTable(): string[] {
  const { offsetsTopicPartitions: _sameAsBrokerSetting, ...coordinator } = GROUP_COORDINATOR_CONFIG_DEFS;
  return [
    '| `config.*` / `groupConfig.*` | Kafka name | default | meaning |',
    '|---|---|---|---|',
    ...rows(BROKER_CONFIG_DEFS, true),
    ...rows(coordinator, true).map((row) => row.replace(/^\| `/, '| `groupConfig.')),
  ];
}

function topicTable(): string[] {
  return [
    '| topic config | default | broker config | meaning |',
    '|---|---|---|---|',
    ...Object.entries(TOPIC_CONFIG_DEFS).map(
      ([name, def]) => `| ${code(name)} | ${def.default === LONG_MAX ? 'Long.MAX (never)' : def.default === '' ? '–' : code(def.default)} | ${def.broker ? code(def.broker) : '–'} | ${def.doc} |`,
    ),
  ];
}

export const CONFIG_TABLES: Record<string, () => string[]> = {
  application: () => expandedSettingsTable('`config.*`', APPLICATION_CONFIG_DEFS),
  binding: () => settingsTable('`bindings.<name>.*`', BINDING_DEFS),
  'binding-consumer': () => settingsTable('`consumer.*`', BINDING_CONSUMER_DEFS),
  'binding-producer': () => settingsTable('`producer.*`', BINDING_PRODUCER_DEFS),
  'native-binder': () => settingsTable('`binders.native.*`', NATIVE_BINDER_CONFIG_DEFS),
  'kafka-binder': () => settingsTable('`binders.kafka.*`', KAFKA_BINDER_CONFIG_DEFS),
  broker: brokerTable,
  topic: topicTable,
};

const REGION = /(<!-- generated: ([a-z-]+) \(npm run docs\) -->\n)[\s\S]*?(<!-- end generated -->)/g;

/** The page with every marked region holding its table as the declarations give it. */
export function regenerate(page: string, where: string): string {
  return page.replace(REGION, (_whole, begin: string, name: string, end: string) => {
    const table = CONFIG_TABLES[name];
    if (!table) throw new Error(`${where}: no generated table named '${name}' (known: ${Object.keys(CONFIG_TABLES).join(', ')})`);
    return `${begin}${table().join('\n')}\n${end}`;
  });
}

/** Names of the tables a page marks. */
export function regionsOf(page: string): string[] {
  return [...page.matchAll(REGION)].map((m) => m[2]);
}
