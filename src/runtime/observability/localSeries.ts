/**
 * Series whose values are plain numbers on the hot path and become Prometheus samples only when
 * the registry is scraped. prom-client's own metrics hash their labels on every increment even
 * through a child; here a child is looked up once and then only added to.
 */
import type { Registry } from 'prom-client';

type Labels<L extends string> = Record<L, string>;

/** One labelled value of a counter or gauge. */
export interface Cell {
  value: number;
}

/** One labelled histogram. */
export class HistogramCell {
  /** Observations per bucket (not cumulative); the last is above the highest bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

interface Sample {
  metricName?: string;
  labels: Record<string, string>;
  value: number;
}

/** What a prom-client Registry asks of a metric it renders. */
interface RegistryMetric {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: Sample[] }>;
  reset(): void;
}

abstract class LocalSeries<L extends string, C> implements RegistryMetric {
  readonly aggregator = 'sum' as const;
  protected readonly cells = new Map<string, { labels: Labels<L>; cell: C }>();
  private readonly collectors = new Set<() => void | Promise<void>>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly labelNames: readonly L[],
  ) {}

  /** The value for these labels, created at 0 on first use: keep it and add to it. */
  child(labels: Labels<L>): C {
    const key = this.key(labels);
    let found = this.cells.get(key);
    if (found === undefined) this.cells.set(key, (found = { labels: { ...labels }, cell: this.newCell() }));
    return found.cell;
  }

  remove(labels: Labels<L>): void {
    this.cells.delete(this.key(labels));
  }

  reset(): void {
    this.cells.clear();
  }

  /** Runs `collect` before each scrape, to set values read from their source then (as prom-client's `collect`). */
  onCollect(collect: () => void | Promise<void>): void {
    this.collectors.add(collect);
  }

  async get() {
    for (const collect of this.collectors) await collect();
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples() };
  }

  protected abstract newCell(): C;
  protected abstract samples(): Sample[];

  private key(labels: Labels<L>): string {
    return this.labelNames.map((n) => labels[n]).join('\u0000');
  }
}

export class LocalValue<L extends string> extends LocalSeries<L, Cell> {
  protected newCell(): Cell {
    return { value: 0 };
  }

  protected samples(): Sample[] {
    return [...this.cells.values()].map(({ labels, cell }) => ({ labels, value: cell.value }));
  }
}

export class LocalHistogram<L extends string> extends LocalSeries<L, HistogramCell> {
  constructor(name: string, help: string, labelNames: readonly L[], private readonly bounds: readonly number[]) {
    super(name, help, 'histogram', labelNames);
  }

  protected newCell(): HistogramCell {
    return new HistogramCell(this.bounds);
  }

  protected samples(): Sample[] {
    const out: Sample[] = [];
    for (const { labels, cell } of this.cells.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += cell.counts[i];
        out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: String(bound) }, value: cumulative });
      });
      out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cell.count });
      out.push({ metricName: `${this.name}_sum`, labels, value: cell.sum });
      out.push({ metricName: `${this.name}_count`, labels, value: cell.count });
    }
    return out;
  }
}

/** Registers `series`, or returns the one of the same kind the registry has under its name (two apps sharing a registry). */
export function registered<S extends LocalValue<string> | LocalHistogram<string>>(registry: Registry, series: S): S {
  const existing = registry.getSingleMetric(series.name) as unknown;
  if (existing instanceof series.constructor) return existing as S;
  registry.registerMetric(series as unknown as Parameters<Registry['registerMetric']>[0]);
  return series;
}
