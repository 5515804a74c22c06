/** Types of kafka-node.js (a plain Node script so it runs before the TypeScript build). */
export interface StartKafkaOptions {
  /** Number of combined broker+controller nodes. Default 1. */
  size?: number;
  /** JVM heap per node in MiB. Default 512 for one node, 384 each for a cluster. */
  heapMb?: number;
  /** Bound on formatting and on each node serving. Default 120000. */
  startTimeoutMs?: number;
  /** Extra server.properties entries for every node. */
  brokerConfig?: Record<string, string | number | boolean>;
  /** JVM flags: 'startup' (default; C1 only, serial GC: fast start for tests) or 'throughput' (normal tiered JIT, G1). */
  jvm?: 'startup' | 'throughput';
}

export declare class KafkaNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  /** "127.0.0.1:<port>" */
  readonly address: string;
  /** The JVM's pid while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM and wait (SIGKILL after 15 s); or the given signal. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts the node again on its data and ports, and waits until it serves. */
  restart(timeoutMs?: number): Promise<void>;
  logTail(): string;
}

export declare class KafkaCluster {
  readonly clusterId: string;
  readonly dir: string;
  readonly nodes: KafkaNode[];
  /** Bootstrap list "127.0.0.1:p1,127.0.0.1:p2,…". */
  readonly brokers: string;
  node(nodeId: number): KafkaNode;
  /** Stops every node and removes the data. */
  stop(): Promise<void>;
}

export declare function startKafka(options?: StartKafkaOptions): Promise<KafkaCluster>;
/** Node ids of the brokers a Metadata request to 127.0.0.1:<port> lists. */
export declare function metadataBrokerIds(port: number): Promise<number[]>;
export declare function reapOrphans(): void;
