import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import { resolveBrokerConfig } from '../../../../src/broker/config/BrokerConfig';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { METADATA_FILE, MetadataJournalCorruptError, MetadataStore } from '../../../../src/broker/topics/MetadataStore';
import { TopicManager } from '../../../../src/broker/topics/TopicManager';
import { CountingFileSystem } from '../../../support/countingFileSystem';
import { silentLogger } from '../../../../src/logging';

const quiet = silentLogger;
const DATA = '/data';

function open(fs: CountingFileSystem | MemoryFileSystem): { store: MetadataStore; topics: TopicManager } {
  const store = new MetadataStore(fs, DATA);
  const topics = new TopicManager(fs, resolveBrokerConfig(), store, new LogDirectory(DATA, { fs, logger: quiet }), quiet);
  topics.load();
  return { store, topics };
}

const isMetadata = (p: string): boolean => p.includes('bindery-metadata');

describe('broker metadata', () => {
  it('creating topics one by one writes bytes in proportion to the topics, not to their square', () => {
    const fs = new CountingFileSystem(new MemoryFileSystem());
    const { topics } = open(fs);
    fs.reset();
    for (let i = 0; i < 600; i++) topics.create({ name: `topic-${i}` });
    const documentBytes = fs.inner.readFile(`${DATA}/${METADATA_FILE}`)?.length ?? 0;
    const finalBytes = Buffer.from(JSON.stringify(open(new CountingFileSystem(fs.inner)).store.doc, null, 1)).length;
    expect(documentBytes).toBeGreaterThan(0);
    expect(fs.bytesTo(isMetadata)).toBeLessThan(6 * finalBytes);
  });

  it('a restart sees every topic created, changed and deleted since the document was last written', () => {
    const mem = new MemoryFileSystem();
    const { topics } = open(mem);
    for (let i = 0; i < 50; i++) topics.create({ name: `t-${i}` });
    topics.setPartitionCount('t-3', 4);
    topics.setOverrides('t-4', { 'retention.ms': '1000' });
    topics.delete('t-5');
    // no close: as after a crash
    const again = open(mem);
    expect(again.topics.all().length).toBe(49);
    expect(again.topics.get('t-5')).toBeUndefined();
    expect(again.topics.get('t-3')?.partitions.length).toBe(4);
    expect(again.store.doc.topics.find((t) => t.name === 't-4')?.configs).toEqual({ 'retention.ms': '1000' });
    expect(again.topics.get('t-49')?.topicId).toBe(topics.get('t-49')?.topicId);
  });

  it('after a full save the document alone holds every topic, in the format it always had', () => {
    const mem = new MemoryFileSystem();
    const { store, topics } = open(mem);
    for (let i = 0; i < 10; i++) topics.create({ name: `t-${i}` });
    store.save();
    expect(mem.list(DATA).filter(isMetadata)).toEqual([METADATA_FILE]);
    const doc = JSON.parse(mem.readFile(`${DATA}/${METADATA_FILE}`)!.toString('utf8'));
    expect(doc.version).toBe(1);
    expect(doc.topics.map((t: { name: string }) => t.name)).toEqual(Array.from({ length: 10 }, (_, i) => `t-${i}`));
  });

  it('a change whose write failed is not there after a restart, and later changes still are', () => {
    const mem = new MemoryFileSystem();
    const { topics } = open(mem);
    topics.create({ name: 'before' });
    const fault = mem.injectFault({ op: 'sync', path: /bindery-metadata/, times: 1 });
    expect(() => topics.create({ name: 'failed' })).toThrow();
    expect(fault.failures).toBe(1);
    topics.create({ name: 'after' });
    const again = open(mem);
    expect(again.topics.all().map((t) => t.name).sort()).toEqual(['after', 'before']);
  });

  it('ignores a torn last journal line (a crash mid-write) and refuses a damaged earlier one', () => {
    const mem = new MemoryFileSystem();
    const { topics } = open(mem);
    topics.create({ name: 'kept' });
    const journal = mem.list(DATA).find((n) => isMetadata(n) && n !== METADATA_FILE)!;
    const handle = mem.open(`${DATA}/${journal}`);
    handle.append(Buffer.from('{"put":{"name":"torn'));
    handle.close();
    const again = open(mem);
    expect(again.topics.all().map((t) => t.name)).toEqual(['kept']);
    again.topics.create({ name: 'next' });
    again.topics.create({ name: 'third' });
    expect(open(mem).topics.all().map((t) => t.name).sort()).toEqual(['kept', 'next', 'third']);

    const broken = mem.open(`${DATA}/${journal}`);
    expect(broken.size()).toBeGreaterThan(0);
    broken.writeAt(Buffer.from('#'), 0);
    broken.append(Buffer.from('{"remove":"kept"}\n'));
    broken.close();
    expect(() => new MetadataStore(mem, DATA)).toThrow(MetadataJournalCorruptError);
  });
});
