/**
 * Makes the shop's topics before its processes start, as a deployment would: five processes that
 * each make the topics they use at the same moment race, and on Apache Kafka a topic just made by
 * one can be unknown for a moment to the metadata request another sends.
 */
import { createKafkaBinder } from '../../src/binder/kafka';
import { SHOP_PARTITIONS, SHOP_TOPICS } from '../../examples/shop/services';

const ATTEMPTS = 3;

export async function provisionShopTopics(brokers: string): Promise<void> {
  const binder = createKafkaBinder({ brokers, logLevel: 'nothing' });
  try {
    for (const topic of SHOP_TOPICS) {
      for (let attempt = 1; ; attempt++) {
        try {
          await binder.provisionTopic(topic, SHOP_PARTITIONS);
          break;
        } catch (error) {
          // A topic being made can be briefly unknown to metadata: asking again finds it.
          if (attempt >= ATTEMPTS) throw error;
        }
      }
    }
  } finally {
    await binder.close();
  }
}
