/**
 * `npm run shop -- --kafka host:port`: the shop's five service processes against Apache Kafka,
 * one service stopped with SIGTERM mid-run and started again (shipping, which hands back the orders
 * it holds half-joined; payments, a consumer with retries); every order gets through.
 */
import { describeIfPeer } from '../support/peers';
import { expectAllOrdersThrough, expectRestarted, runShop } from '../integration/examples/shopRun';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'npm run shop against Apache Kafka', () => {
  it.each(['shipping', 'payments'])('takes every order through five processes while %s is restarted mid-run, then exits 0', async (service) => {
    const { code, output } = await runShop(['--kafka', kafkaBrokers!, '--restart', service], 170000);
    expect({ code, tail: output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('shop: all 12 orders through') });
    expect(output).not.toContain('[broker]'); // no bindery broker of its own: the given Kafka only
    expect(output).toContain(`brokers ${kafkaBrokers}`);
    expectRestarted(output, service);
    expectAllOrdersThrough(output);
  });
});
