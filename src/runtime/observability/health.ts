/**
 * Health as Kubernetes probes ask for it. Readiness: the application started, its binder reaches
 * its broker and every binding that starts by itself is bound. Liveness: the event loop has not been blocked beyond a
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

/** `binder`: the binder's reachability (BinderProbe), left out when no binding uses the binder. */
export function readiness(app: ReadinessSource, binder?: HealthComponent): HealthReport {
  const bindings = app.bindings();
  const notBound = bindings.filter((b) => b.autoStartup && b.state === 'stopped').map((b) => b.name);
  return report({
    application: { status: app.running ? 'UP' : 'DOWN', details: { state: app.health().state } },
    ...(binder && { binder }),
    bindings: {
      status: notBound.length === 0 ? 'UP' : 'DOWN',
      details: Object.fromEntries(bindings.map((b) => [b.name, b.state])),
    },
  });
}

/** What the binder probe asks of a binder (the Binder SPI fits). */
export interface ProbedBinder {
  readonly name: string;
  checkConnection?(): Promise<void>;
}

/** How long a connection check may take before readiness counts the broker unreachable. */
const BINDER_CHECK_TIMEOUT_MS = 2000;
/** How long a check's answer is reused: probes from several kubelets and scrapers cost one request. */
const BINDER_CHECK_CACHE_MS = 1000;

/**
 * Whether the binder reaches its broker: the binder's checkConnection, bounded in time, its answer
 * kept briefly. A binder that has nothing to check (its broker is in the process) is UP.
 */
export class BinderProbe {
  private last: { at: number; component: HealthComponent } | undefined;
  private running: Promise<HealthComponent> | undefined;

  constructor(
    private readonly binder: ProbedBinder,
    private readonly timeoutMs = BINDER_CHECK_TIMEOUT_MS,
    private readonly cacheMs = BINDER_CHECK_CACHE_MS,
  ) {}

  check(): Promise<HealthComponent> {
    const last = this.last;
    if (last && performance.now() - last.at < this.cacheMs) return Promise.resolve(last.component);
    this.running ??= this.checkNow().then((component) => {
      this.last = { at: performance.now(), component };
      this.running = undefined;
      return component;
    });
    return this.running;
  }

  private async checkNow(): Promise<HealthComponent> {
    const name = this.binder.name;
    if (!this.binder.checkConnection) return { status: 'UP', details: { binder: name } };
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
    });
    const checked = this.binder.checkConnection().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    try {
      const failure = await Promise.race([checked, timedOut]);
      if (failure !== undefined) return { status: 'DOWN', details: { binder: name, error: failure } };
      return { status: 'UP', details: { binder: name, checkMs: Math.round(performance.now() - started) } };
    } finally {
      clearTimeout(timer);
    }
  }
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
