// Drives @platformatic/kafka (ESM only, so it runs outside jest) against a broker and prints one
// JSON line with what it saw: node platformatic-client.mjs <bootstrap> <topic> <group> <count>
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

const [bootstrap, topic, groupId, countText] = process.argv.slice(2);
const count = Number(countText);
const bootstrapBrokers = [bootstrap];

const admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers });
await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
const metadata = await admin.metadata({ topics: [topic] });

const producer = new Producer({ clientId: 'plt-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true, autocreateTopics: false });
const sent = Array.from({ length: count }, (_, i) => ({ topic, key: `key-${i}`, value: `value-${i}`, headers: { n: String(i) } }));
const produced = await producer.send({ messages: sent, acks: -1 });
await producer.close();

const consumer = new Consumer({ groupId, clientId: 'plt-consumer', bootstrapBrokers, deserializers: stringDeserializers, maxWaitTime: 200 });
const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: 'earliest', sessionTimeout: 10000, heartbeatInterval: 500 });
const received = [];
for await (const message of stream) {
  received.push({ key: message.key, value: message.value, n: message.headers.get('n') });
  // Kafka's convention, the next offset to read (message.commit() of some client versions commits the message's own).
  await consumer.commit({ offsets: [{ topic: message.topic, partition: message.partition, offset: message.offset + 1n, leaderEpoch: 0 }] });
  if (received.length >= count) break;
}
// OffsetFetch through the group's consumer (an API every supported version of the client has).
const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1] }] });
await stream.close();
await consumer.close();

const groups = await admin.listGroups();
await admin.close();
process.stdout.write(JSON.stringify({
  partitions: metadata.topics.get(topic)?.partitionsCount,
  producedOffsets: produced.offsets?.length ?? null,
  received,
  committed,
  groups: [...groups.keys()],
}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v)) + '\n');
