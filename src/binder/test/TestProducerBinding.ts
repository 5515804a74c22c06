/** A producer binding of the test binder: appends straight to the in-memory broker. */
import type { OutboundRecord, ProducerBinding, SendResult } from '../Binder';
import type { TestBroker } from './TestBroker';

export class TestProducerBinding implements ProducerBinding {
  constructor(
    private readonly broker: TestBroker,
    readonly destination: string,
    private readonly onClose: () => void,
  ) {}

  async send(record: OutboundRecord): Promise<SendResult> {
    return this.broker.append(this.destination, record, true);
  }

  async sendMany(records: OutboundRecord[]): Promise<SendResult[]> {
    return records.map((r) => this.broker.append(this.destination, r, true));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.onClose();
  }
}
