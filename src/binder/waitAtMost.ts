/** Waits for `work`, or `ms` when given and `work` takes longer; true when `work` settled in time. Its rejection is not this wait's. */
export async function waitAtMost(work: Promise<unknown>, ms: number | undefined): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (ms === undefined) return settled;
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([settled, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}
