#!/bin/bash
# Broker CPU and wall time of kcat reading 40,000 1 KiB records from `bindery broker` of a built tree (the zero-copy fetch path).
# usage: scripts/bench/broker-consume-cpu.sh <tree with dist/ built> <free port>
tree=$1; port=$2
node $tree/bin/bindery.js broker --memory --host 127.0.0.1 --port $port > ${TMPDIR:-/tmp}/broker-$port.log 2>&1 &
bpid=$!
for i in $(seq 50); do grep -q "listening" ${TMPDIR:-/tmp}/broker-$port.log && break; sleep 0.2; done
python3 -c "print('\n'.join(['x'*1000]*40000))" > ${TMPDIR:-/tmp}/payload.txt
kcat -P -b 127.0.0.1:$port -t t1k -z lz4 -X linger.ms=5 -X batch.size=262144 -l ${TMPDIR:-/tmp}/payload.txt 2>/dev/null
cpu() { awk '{print $14+$15}' /proc/$bpid/stat; }
for r in 1 2 3; do
  c0=$(cpu); t0=$(date +%s.%N)
  kcat -C -b 127.0.0.1:$port -t t1k -o beginning -e -q -X fetch.max.bytes=52428800 > /dev/null 2>&1
  t1=$(date +%s.%N); c1=$(cpu)
  echo "CONSUME $(basename $tree) round=$r wall_s=$(echo "$t1-$t0"|bc) broker_cpu_ticks=$((c1-c0))"
done
kill $bpid; wait $bpid 2>/dev/null
