/**
 * connection.failed.authentication.delay.ms, per client address: a failed authentication is
 * answered this long after the previous failure from the same address was, so guessing
 * passwords from one address goes no faster than one guess per delay, however many connections
 * it opens. Addresses whose last failure has passed are forgotten.
 */
export class FailedAuthenticationDelay {
  private readonly answerAt = new Map<string, number>();

  constructor(private readonly delayMs: number) {}

  /** Resolves when the failure of a client at `host` may be answered. */
  wait(host: string): Promise<void> {
    if (this.delayMs <= 0) return Promise.resolve();
    const now = Date.now();
    this.forgetPast(now);
    const at = Math.max(now, this.answerAt.get(host) ?? 0) + this.delayMs;
    this.answerAt.set(host, at);
    return new Promise((resolve) => setTimeout(resolve, at - now).unref());
  }

  private forgetPast(now: number): void {
    for (const [host, at] of this.answerAt) if (at <= now) this.answerAt.delete(host);
  }
}

/** The address part of "host:port" (IPv6 hosts contain colons themselves). */
export function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  return colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress;
}
