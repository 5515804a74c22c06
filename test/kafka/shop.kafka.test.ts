/**
 * `npm run shop -- --kafka host:port`: the shop's five service processes against Apache Kafka,
 * payments stopped with SIGTERM mid-run and started again; every order gets through.
 */
import { describeIfPeer } from '../support/peers';
import { expectAllOrdersThrough, expectRestarted, runShop } from '../integration/examples/shopRun';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'npm run shop against Apache Kafka', () => {
  it('takes every order through five processes while payments is restarted mid-run, then exits 0', async () => {
    const { code, output } = await runShop(['--kafka', kafkaBrokers!, '--restart', 'payments'], 170000);
    expect({ code, tail: output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('shop: all 12 orders through') });
    expect(output).not.toContain('[broker]'); // no bindery broker of its own: the given Kafka only
    expect(output).toContain(`brokers ${kafkaBrokers}`);
    expectRestarted(output, 'payments');
    expectAllOrdersThrough(output);
  });
});
