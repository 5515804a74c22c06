/**
 * `npm run shop` runs dist/scripts/shop.js: `bindery broker` and the shop's five services, each its
 * own process on the kafka binder. With --restart shipping, the shipping process (which joins each
 * order's stock and payment results in memory) is stopped with SIGTERM mid-run and started again,
 * and every order still gets through.
 */
import { expectAllOrdersThrough, expectRestarted, runShop } from './shopRun';

describe('npm run shop (five processes on bindery broker)', () => {
  it('takes every order through while shipping is stopped with SIGTERM mid-run and started again, then exits 0', async () => {
    const { code, output } = await runShop(['--restart', 'shipping'], 150000);
    expect({ code, tail: output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('shop: all 12 orders through') });
    expect(output).toMatch(/^\[broker\]\s+bindery broker listening on 127\.0\.0\.1:\d+/m);

    expectRestarted(output, 'shipping');
    expectAllOrdersThrough(output);
    // Every process was stopped at the end, the broker last.
    expect(output.trimEnd()).toMatch(/\[broker\]\s+bindery broker stopped$/);
  });

  it('exits 1 naming the missing orders when they are not through in time', async () => {
    const { code, output } = await runShop(['--timeout-ms', '1'], 60000);
    expect(code).toBe(1);
    expect(output).toMatch(/shop: FAILED: only \d+ of 12 orders were through after 1 ms; missing: o-101, /);
  });

  it('refuses to restart a service the shop does not have, naming those it has', async () => {
    const { code, output } = await runShop(['--restart', 'billing'], 30000);
    expect(code).toBe(2);
    expect(output).toContain('--restart billing: no such service. Choose one of orders, inventory, payments, shipping, notifications.');
  });
});
