import { ManualClock, SystemClock } from '../../../../src/broker/group';

describe('ManualClock', () => {
  it('fires due timers in due order, including ones scheduled while advancing, and skips cancelled ones', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.schedule(300, () => fired.push(`c@${clock.now()}`));
    clock.schedule(100, () => {
      fired.push(`a@${clock.now()}`);
      clock.schedule(50, () => fired.push(`a2@${clock.now()}`));
    });
    const cancelled = clock.schedule(200, () => fired.push('never'));
    cancelled.cancel();
    clock.advance(250);
    expect(fired).toEqual(['a@1100', 'a2@1150']);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(fired).toEqual(['a@1100', 'a2@1150', 'c@1300']);
    expect(clock.pending).toBe(0);
  });

  it('fires timers with the same due time in scheduling order', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) clock.schedule(10, () => fired.push(i));
    clock.advance(10);
    expect(fired).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('SystemClock', () => {
  it('runs a scheduled callback and can cancel another', async () => {
    const clock = new SystemClock();
    let cancelledRan = false;
    clock.schedule(1, () => (cancelledRan = true)).cancel();
    await new Promise<void>((resolve) => clock.schedule(1, resolve));
    expect(cancelledRan).toBe(false);
  });
});
