/**
 * Health as Kubernetes probes ask for it. Readiness: the application started and every binding
 * that starts by itself is bound. Liveness: the event loop has not been blocked beyond a
 * threshold (a process stuck in a synchronous loop answers no message either).
 */

export type HealthStatus = 'UP' | 'DOWN';

export interface HealthComponent {
  status: HealthStatus;
  details?: Record<string, unknown>;
}

export interface HealthReport {
  status: HealthStatus;
  components: Record<string, HealthComponent>;
}

/** A consumer binding's state as the bindings endpoint shows it. */
export type BindingRunState = 'running' | 'paused' | 'stopped';

export interface BindingStatus {
  name: string;
  destination: string;
  group: string | undefined;
  state: BindingRunState;
  /** Whether the binding starts by itself (consumer.autoStartup). */
  autoStartup: boolean;
}

/** What readiness looks at. */
export interface ReadinessSource {
  readonly running: boolean;
  health(): { state: string };
  bindings(): BindingStatus[];
}

export function report(components: Record<string, HealthComponent>): HealthReport {
  const down = Object.values(components).some((c) => c.status === 'DOWN');
  return { status: down ? 'DOWN' : 'UP', components };
}

export function readiness(app: ReadinessSource): HealthReport {
  const bindings = app.bindings();
  const notBound = bindings.filter((b) => b.autoStartup && b.state === 'stopped').map((b) => b.name);
  return report({
    application: { status: app.running ? 'UP' : 'DOWN', details: { state: app.health().state } },
    bindings: {
      status: notBound.length === 0 ? 'UP' : 'DOWN',
      details: Object.fromEntries(bindings.map((b) => [b.name, b.state])),
    },
  });
}

/** How often the monitor's timer checks that it runs on time. */
const TICK_MS = 50;

/**
 * Watches the event loop: a timer that should fire every TICK_MS notes how late it was. `check()`
 * is DOWN when the loop was held up for the threshold since the previous check (counting a tick
 * that is overdue right now).
 */
export class EventLoopMonitor {
  private readonly timer: NodeJS.Timeout;
  private lastTick = performance.now();
  private maxDelayMs = 0;

  constructor(private readonly thresholdMs: number) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.maxDelayMs = Math.max(this.maxDelayMs, now - this.lastTick - TICK_MS);
      this.lastTick = now;
    }, TICK_MS);
    this.timer.unref();
  }

  check(): HealthComponent {
    const overdue = performance.now() - this.lastTick - TICK_MS;
    const delayMs = Math.max(0, this.maxDelayMs, overdue);
    this.maxDelayMs = 0;
    return {
      status: delayMs >= this.thresholdMs ? 'DOWN' : 'UP',
      details: { maxDelayMs: Math.round(delayMs), thresholdMs: this.thresholdMs },
    };
  }

  close(): void {
    clearInterval(this.timer);
  }
}
