/**
 * Health as Kubernetes probes ask for it. Readiness: the application started and every binding
 * that starts by itself is bound. Liveness: the event loop has not been blocked beyond a
 * threshold (a process stuck in a synchronous loop answers no message either).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

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

/**
 * Watches the event loop's delay. `check()` is DOWN when the longest delay seen since the
 * previous check (or over the last window) reached the threshold.
 */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;
  private lastMaxMs = 0;

  constructor(private readonly thresholdMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
  }

  check(): HealthComponent {
    const maxMs = this.histogram.max / 1e6;
    // A probe that finds the loop fine twice in a row forgets an old stall.
    const recentMs = Math.max(maxMs, this.lastMaxMs);
    this.lastMaxMs = maxMs;
    this.histogram.reset();
    return {
      status: recentMs >= this.thresholdMs ? 'DOWN' : 'UP',
      details: { maxDelayMs: Math.round(recentMs), thresholdMs: this.thresholdMs },
    };
  }

  close(): void {
    this.histogram.disable();
  }
}
