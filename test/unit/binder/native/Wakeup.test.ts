import { delay, Wakeup } from '../../../../src/binder/native/Wakeup';

describe('Wakeup', () => {
  it('lets the work win a race when nothing wakes the loop', async () => {
    const wakeup = new Wakeup();
    await expect(wakeup.race(wakeup.mark(), Promise.resolve('fetched'))).resolves.toBe('fetched');
  });

  it('ends a race at a notify', async () => {
    const wakeup = new Wakeup();
    const racing = wakeup.race(wakeup.mark(), new Promise<string>(() => undefined));
    wakeup.notify();
    await expect(racing).resolves.toBeNull();
  });

  it('never misses a notify that came between taking the mark and waiting', async () => {
    const wakeup = new Wakeup();
    const mark = wakeup.mark();
    wakeup.notify();
    await expect(wakeup.wait(mark)).resolves.toBeUndefined();
    await expect(wakeup.race(mark, new Promise<string>(() => undefined))).resolves.toBeNull();
  });

  it('passes the work\'s failure on', async () => {
    const wakeup = new Wakeup();
    await expect(wakeup.race(wakeup.mark(), Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });

  it('cuts a delay short at a notify', async () => {
    const wakeup = new Wakeup();
    const waiting = delay(10 * 60 * 1000, wakeup, wakeup.mark());
    wakeup.notify();
    await expect(waiting).resolves.toBeUndefined();
  });
});
