/**
 * Usage text of every command, apart from the commands themselves so that printing it (and
 * dispatching in main.ts) loads no command's dependencies: the broker never loads the client.
 */
export const BROKER_USAGE = `bindery broker [--port 9092] [--host 127.0.0.1] [--data-dir ./data | --memory] [--advertised-host h]
    (--host 0.0.0.0 needs --advertised-host: the address clients are told to connect to)
    [--partitions N (num.partitions)] [--no-auto-create-topics]
    [--sasl-plain-users-file FILE]   (SASL/PLAIN users, user:password a line; or set BINDERY_SASL_PLAIN_USERS)
    [--sasl-plain-user user:password]...   (works, but shows the password in the process list)
    [--config topic.config=value]...   (default topic configs, e.g. retention.ms=60000)
    [--fetch-log-read-max-bytes N]   (bytes a fetch reads of one partition from the log files, default 57671680)
    [--group-initial-rebalance-delay-ms N]   (how long a new group waits for more members, default 0)
    [--log-retention-check-interval-ms N]   (how often retention runs, default 300000)
    [--transaction-version 0|1|2]   (transaction.version level advertised; 2 = KIP-890 transactions version 2)
    [--queued-max-request-bytes N] [--max-response-bytes-per-connection N] [--connections-max-idle-ms N]
    [--request-frame-timeout-ms N] [--sasl-server-max-receive-size N] [--connection-failed-authentication-delay-ms N]
      (connection limits; see docs/cli.md)
    [--metrics-port N]   (Prometheus metrics at http://<host>:N/metrics; 0 = any free port)
    [--verbose]   (also report connections closed for malformed requests)`;

export const VERIFY_DATA_DIR_USAGE = `bindery verify-data-dir --data-dir <dir>
    (offline: every bad batch and index entry by file, byte and offset; exit code 1 when any)`;

export const TOPICS_USAGE = `bindery topics create --topic <name> [--partitions N] [--replication-factor N] [--config k=v]...
bindery topics list
bindery topics describe [--topic <name>]
bindery topics delete --topic <name>
  (all take --bootstrap-server host:port, default 127.0.0.1:9092)`;

export const PRODUCE_USAGE = `bindery produce --topic <name> [--message <text>]... [--key <key> | --key-separator <sep>]
    [--partition N] [--compression none|gzip|snappy|lz4|zstd] [--acks -1|0|1] [--header k=v]...
  Without --message, each line of standard input is one message.`;

export const CONSUME_USAGE = `bindery consume --topic <name> [--group <id>] [--from-beginning] [--max-messages N]
    [--timeout-ms N (stop after N ms without a message, default 10000)] [--print-key] [--print-offset]
    [--print-headers (k:v,k2:v2 before the key, as Kafka's console consumer)] [--key-separator <sep>]`;

export const GROUPS_USAGE = `bindery groups list
bindery groups describe [--group <id>]   (members, committed offsets and lag)`;
