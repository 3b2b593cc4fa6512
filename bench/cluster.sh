#!/usr/bin/env bash
# Caudal on Apache Kafka (caudal.storage=kafka) on this machine: one Kafka 4.3.1 broker (KRaft,
# replication factor 1), PostgreSQL for the shared group state, and two Caudal nodes, all running
# at once. Measures (1) Caudal over HTTP against Kafka's own clients on the same broker, (2) one
# Caudal node against two, (3) group coordination through PostgreSQL: calls per second and the
# rebalance after one member of 50 leaves. A round is every row once; the rounds repeat and each
# number is the median. Writes bench/results/<date>-<commit>-cluster[-quick].md.
#
#   bench/cluster.sh              the full run, 3 rounds (about 20 minutes on 2 cores)
#   bench/cluster.sh --quick      a smoke run of every row, 1 round, short windows (about 6 minutes)
#   bench/cluster.sh --rounds N   N rounds instead
#   bench/cluster.sh --no-build   use the jars and classpath already built
#
# Everything listens on and talks to 127.0.0.1 only. Every load generator is bounded in records
# and in time. Work files (data directories, logs) go to bench/target/cluster.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
MODE=full
BUILD=1
ROUNDS=
while (($#)); do
	case "$1" in
		--quick) MODE=quick ;;
		--no-build) BUILD=0 ;;
		--rounds) ROUNDS=${2:-}; shift ;;
		-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
		*) echo "Unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
WORK=$BENCH/target/cluster
# The build, the generators' and tools' command lines, free_port, start_kafka, kafka_topic.
source "$BENCH/lib.sh"
begin_run
LOGS=$WORK/logs

# ---------------------------------------------------------------------------------------------
# The workloads of this mode.
if [[ $MODE == quick ]]; then
	WARMUP_MS=1000; ROW_MS=2000
	CONSUME_RECORDS=200000
	E2E_RATE=200; E2E_WARMUP_MS=1000; E2E_MS=3000
	GROUP_WARMUP_MS=1000; GROUP_MS=2000
	SERVER_WARMUP_S=4
else
	WARMUP_MS=2000; ROW_MS=5000
	CONSUME_RECORDS=1000000
	E2E_RATE=500; E2E_WARMUP_MS=2000; E2E_MS=8000
	GROUP_WARMUP_MS=1000; GROUP_MS=5000
	SERVER_WARMUP_S=12
fi
CONSUME_PARTITIONS=4
# Group calls: 4 groups of 4 members over a topic of 4 partitions, so every member owns one.
CALL_GROUPS=4; CALL_MEMBERS=4; CALL_PARTITIONS=4
# Rebalance: 50 members over 60 partitions (10 members own 2), one leaves.
REBALANCE_MEMBERS=50; REBALANCE_PARTITIONS=60

# ---------------------------------------------------------------------------------------------
# Processes: the broker, PostgreSQL, the two nodes. Stopped on exit, whatever happened.
NODE_A_PID=
NODE_B_PID=
PG_BIN=
PG_DIR=$WORK/postgres
as_postgres() { # PostgreSQL refuses to run as root: as root, its programs run as the package's postgres user
	if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start_postgres() { # Debian's package, a fresh cluster, trust on 127.0.0.1; sets PG_PORT
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
		echo "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): apt-get install -y postgresql" >&2
		exit 1
	fi
	mkdir -p "$PG_DIR"
	if [[ $(id -u) == 0 ]]; then chown postgres "$PG_DIR"; fi
	PG_PORT=$(free_port 15432)
	log "Starting PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$PG_PORT"
	as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >"$LOGS/postgres-initdb.log" 2>&1
	as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
		"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start \
		>"$LOGS/postgres-start.log" 2>&1
}
stop_postgres() {
	if [[ -n $PG_BIN && -f $PG_DIR/data/postmaster.pid ]]; then
		as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >>"$LOGS/postgres-start.log" 2>&1 || true
	fi
}
CAUDAL_JVM=(-Xmx1g)
start_node() { # name: a Caudal node on Kafka and PostgreSQL; sets STARTED_URL and STARTED_PID
	local name=$1 port
	port=$(free_port 18080)
	mkdir -p "$WORK/node-$name"
	log "Starting Caudal node $name on 127.0.0.1:$port (${CAUDAL_JVM[*]})"
	java "${CAUDAL_JVM[@]}" -jar "$CAUDAL_JAR" --server.address=127.0.0.1 --server.port="$port" \
		--caudal.data-dir="$WORK/node-$name" --caudal.storage=kafka --spring.kafka.bootstrap-servers="$BOOT" \
		--spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" \
		--spring.datasource.username=postgres --spring.datasource.password= >"$LOGS/node-$name.log" 2>&1 &
	STARTED_PID=$!
	STARTED_URL=http://127.0.0.1:$port
	wait_for_caudal "$STARTED_URL" "$STARTED_PID" "$LOGS/node-$name.log"
}
cleanup() {
	stop_process "$NODE_B_PID"
	stop_process "$NODE_A_PID"
	stop_process "$KAFKA_PID"
	stop_postgres
}
trap cleanup EXIT

start_postgres
start_kafka "$WORK/kafka" "$LOGS"
# One at a time: the first creates the tables in the shared database.
start_node a; NODE_A=$STARTED_URL; NODE_A_PID=$STARTED_PID
start_node b; NODE_B=$STARTED_URL; NODE_B_PID=$STARTED_PID
BOTH=$NODE_A,$NODE_B

topic() { # name partitions: through node A, replication factor 1 (one broker)
	local status
	status=$("${CURL[@]}" -o "$LOGS/topic.out" -w '%{http_code}' -XPOST "$NODE_A/topics" -H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"partitions\":$2,\"replicationFactor\":1}")
	[[ $status == 201 ]] || { echo "Creating topic $1 answered $status: $(cat "$LOGS/topic.out")" >&2; exit 1; }
}

# Runs one measurement: $1 row id, rest the command. Its RESULT line goes to res/r<round>/<row>
# as key=value lines, with its exit status and the load average after it; its output to
# logs/r<round>/<row>.log.
ROUND=
measure() {
	local id=$1
	shift
	local out=$LOGS/r$ROUND/$id.log res=$WORK/res/r$ROUND/$id status=0
	mkdir -p "$LOGS/r$ROUND" "$WORK/res/r$ROUND"
	log "$id"
	timeout 900 "$@" >"$out" 2>&1 || status=$?
	{
		grep '^RESULT' "$out" | tail -1 | sed 's/^RESULT //' | tr ' ' '\n' || true
		echo "exit=$status"
		echo "load1=$(cut -d' ' -f1 /proc/loadavg)"
	} >"$res"
	if [[ $status != 0 ]]; then log "  $id exited with $status; see $out"; fi
	grep -E '^(recordsPerSec|callsPerSec|p99Ms|received|rebalanceMs|errors)=' "$res" | tr '\n' ' ' | sed 's/^/  /' >&2 || true
	echo >&2
}

# ---------------------------------------------------------------------------------------------
# Warm-up, not measured: both nodes produce in batches of 1 and of 100, read it back and make
# group calls, so that their JIT compilers do not charge the first rows; the broker warms up with
# them.
if ((SERVER_WARMUP_S > 0)); then
	log "Warm-up of both nodes, about $((SERVER_WARMUP_S * 2)) s, not measured"
	topic warmup 2
	topic warmup-groups "$CALL_PARTITIONS"
	{
		bench produce --url "$BOTH" --topic warmup --producers 16 --batch 1 --record-size 100 \
			--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500))
		bench produce --url "$BOTH" --topic warmup --producers 4 --batch 100 --record-size 100 \
			--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500)) --max-records 1000000
		bench fetch --url "$BOTH" --topic warmup --partitions 2 --timeout-ms 60000
		for call in heartbeat poll commit; do
			bench groups --url "$BOTH" --topic warmup-groups --partitions "$CALL_PARTITIONS" --groups 2 \
				--members "$CALL_MEMBERS" --call "$call" --group "warmup-$call" --warmup-ms 0 \
				--duration-ms $((SERVER_WARMUP_S * 250))
		done
	} >"$LOGS/warmup.log" 2>&1 || log "  the warm-up had failures; see $LOGS/warmup.log"
fi

log "Loading $CONSUME_RECORDS records to read back, through node A"
topic consume "$CONSUME_PARTITIONS"
bench produce --url "$NODE_A" --topic consume --producers "$CONSUME_PARTITIONS" --batch 1000 --record-size 100 \
	--warmup-ms 0 --duration-ms 600000 --max-records "$CONSUME_RECORDS" >"$LOGS/load.log" 2>&1
topic calls "$CALL_PARTITIONS"
topic rebalance "$REBALANCE_PARTITIONS"

# ---------------------------------------------------------------------------------------------
# One round: every row once.
produce_rows() { # batch producers
	local b=$1 p=$2 id=produce-b$1-p$2
	topic "$id-caudal-r$ROUND" 1
	measure "$id-caudal" "${BENCH_CMD[@]}" produce --url "$NODE_A" --topic "$id-caudal-r$ROUND" --producers "$p" --batch "$b" \
		--record-size 100 --warmup-ms "$WARMUP_MS" --duration-ms "$ROW_MS" --max-records 100000000
	topic "$id-kafka-r$ROUND" 1
	measure "$id-kafka" "${KAFKA_GEN_CMD[@]}" kafka-produce --bootstrap "$BOOT" --topic "$id-kafka-r$ROUND" --producers "$p" \
		--batch "$b" --record-size 100 --warmup-ms "$WARMUP_MS" --duration-ms "$ROW_MS" --max-records 100000000
	if ((p > 1)); then
		topic "$id-two-nodes-r$ROUND" 1
		measure "$id-two-nodes" "${BENCH_CMD[@]}" produce --url "$BOTH" --topic "$id-two-nodes-r$ROUND" --producers "$p" \
			--batch "$b" --record-size 100 --warmup-ms "$WARMUP_MS" --duration-ms "$ROW_MS" --max-records 100000000
	fi
}
round() {
	ROUND=$1
	log "Round $ROUND of $ROUNDS"
	# (1) and (2): produce, against Kafka's client and on two nodes.
	produce_rows 100 1
	produce_rows 100 16
	produce_rows 1 16
	# Consume: the same records, through one node, through both, with Kafka's ConsumerPerformance.
	measure consume-caudal "${BENCH_CMD[@]}" fetch --url "$NODE_A" --topic consume --partitions "$CONSUME_PARTITIONS" \
		--record-size 100 --timeout-ms 300000
	measure consume-two-nodes "${BENCH_CMD[@]}" fetch --url "$BOTH" --topic consume --partitions "$CONSUME_PARTITIONS" \
		--record-size 100 --timeout-ms 300000
	measure consume-kafka "${KAFKA_TOOL[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
		--topic consume --num-records "$CONSUME_RECORDS" --group "consume-r$ROUND" --timeout 60000
	consumer_performance_result "$LOGS/r$ROUND/consume-kafka.log" >>"$WORK/res/r$ROUND/consume-kafka"
	# End-to-end: produced through node A, tailed through A, then through B; Kafka's clients.
	topic "e2e-caudal-r$ROUND" 1
	measure e2e-caudal "${BENCH_CMD[@]}" e2e --url "$NODE_A" --topic "e2e-caudal-r$ROUND" --rate "$E2E_RATE" \
		--warmup-ms "$E2E_WARMUP_MS" --duration-ms "$E2E_MS" --record-size 100
	topic "e2e-two-nodes-r$ROUND" 1
	measure e2e-two-nodes "${BENCH_CMD[@]}" e2e --url "$NODE_A" --tail-url "$NODE_B" --topic "e2e-two-nodes-r$ROUND" \
		--rate "$E2E_RATE" --warmup-ms "$E2E_WARMUP_MS" --duration-ms "$E2E_MS" --record-size 100
	topic "e2e-kafka-r$ROUND" 1
	measure e2e-kafka "${KAFKA_GEN_CMD[@]}" kafka-e2e --bootstrap "$BOOT" --topic "e2e-kafka-r$ROUND" --rate "$E2E_RATE" \
		--warmup-ms "$E2E_WARMUP_MS" --duration-ms "$E2E_MS" --record-size 100
	# (3) Group calls through one node and through both.
	local call nodes
	for call in join heartbeat poll commit; do
		for nodes in one two; do
			measure "groups-$call-$nodes" "${BENCH_CMD[@]}" groups --url "$([[ $nodes == one ]] && echo "$NODE_A" || echo "$BOTH")" \
				--topic calls --partitions "$CALL_PARTITIONS" --groups "$CALL_GROUPS" --members "$CALL_MEMBERS" --call "$call" \
				--group "$call-$nodes-r$ROUND" --warmup-ms "$GROUP_WARMUP_MS" --duration-ms "$GROUP_MS"
		done
	done
	# (3) Rebalance after one member of 50 leaves: a trial per configuration per round.
	rebalance_row range 5000 one
	rebalance_row range 5000 two
	rebalance_row sticky 5000 one
	rebalance_row range 1000 one
}
rebalance_row() { # assignor wait-ms nodes
	measure "rebalance-$1-$2-$3" "${BENCH_CMD[@]}" rebalance --url "$([[ $3 == one ]] && echo "$NODE_A" || echo "$BOTH")" \
		--topic rebalance --partitions "$REBALANCE_PARTITIONS" --members "$REBALANCE_MEMBERS" --assignor "$1" \
		--wait-ms "$2" --trials 1 --group "rebalance-$1-$2-$3-r$ROUND" --timeout-ms 120000
}
for r in $(seq 1 "$ROUNDS"); do round "$r"; done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# Report: every number is the median of the rounds, the range beside it when there are several.
values() { # row key: each round's value, one per line, sorted
	local f
	for f in "$WORK"/res/r*/"$1"; do
		[[ -f $f ]] && sed -n "s/^$2=//p" "$f"
	done | grep -E '^-?[0-9.]+$' | sort -g || true
}
# An awk function: x with d decimals and thousands separated by commas.
AWK_FORMAT='function format(x, d,   part, whole) {
	split(sprintf("%." d "f", x), part, ".")
	whole = ""
	while (length(part[1]) > 3) { whole = "," substr(part[1], length(part[1]) - 2) whole; part[1] = substr(part[1], 1, length(part[1]) - 3) }
	return part[1] whole ((d > 0) ? "." part[2] : "")
}'
median() { # row key [decimals]: the median over the rounds, or n/a
	values "$1" "$2" | awk -v d="${3:-0}" "$AWK_FORMAT"'{v[NR] = $1} END {
		if (NR == 0) { print "n/a"; exit }
		print format((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, d) }'
}
spread() { # row key [decimals]: " (low–high)" over the rounds when more than one measured it
	values "$1" "$2" | awk -v d="${3:-0}" "$AWK_FORMAT"'{v[NR] = $1} END { if (NR > 1) printf " (%s–%s)", format(v[1], d), format(v[NR], d) }'
}
ratio() { # row-a key row-b key: median of a / median of b
	local a b
	a=$(median "$1" "$2" 3 | tr -d ,)
	b=$(median "$3" "$4" 3 | tr -d ,)
	awk -v a="$a" -v b="$b" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
rate() { echo "$(median "$1" "$2")$(spread "$1" "$2")"; }
latency() { echo "$(median "$1" p50Ms 1) / $(median "$1" p99Ms 1)"; }
latency_of() { echo "$(median "$1" "${2}P50Ms" 1) / $(median "$1" "${2}P99Ms" 1)"; } # row prefix: e.g. produceP50Ms
failures() { # rows that exited non-zero in some round
	local f
	for f in "$WORK"/res/r*/*; do
		grep -qx 'exit=0' "$f" || echo "$(basename "$(dirname "$f")")/$(basename "$f") ($(sed -n 's/^exit=//p' "$f"))"
	done
}
mkdir -p "$BENCH/results"
SUFFIX=$([[ $MODE == quick ]] && echo "-quick" || true)
OUT=$BENCH/results/$(date +%Y-%m-%d)-$COMMIT-cluster$SUFFIX.md
JDK=$(java -version 2>&1 | sed -n 2p)
MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem/ {print $2}') GiB memory, $JDK, $(uname -sr)"
{
	echo "# Caudal on Apache Kafka 4.3.1 — $(date '+%Y-%m-%d %H:%M %Z'), $MODE run"
	echo
	echo "- Commit: \`$COMMIT\`$DIRTY; Caudal jar: \`$(basename "$CAUDAL_JAR")\`, \`-Xmx1g\` per node, \`caudal.storage=kafka\`, everything else default"
	echo "- Kafka: 4.3.1 from Maven Central, **one broker** in KRaft combined mode, every topic with **replication factor 1** (so \`acks=all\` waits for one copy), Kafka's default flush (the OS writes back)"
	echo "- PostgreSQL: $("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'), Debian's package, a fresh cluster with its defaults (\`fsync\` and \`synchronous_commit\` on), the groups' state of both nodes"
	echo "- Machine: $MACHINE"
	echo "- Load average at start and end: $(cat "$WORK/loadavg.start") / $LOAD_END"
	echo "- Command: \`bench/cluster.sh$([[ $MODE == quick ]] && echo ' --quick') --rounds $ROUNDS\` ($(( ($(date +%s) - RUN_START) / 60 )) min)"
	echo
	echo "All of it on one 2-core machine at once: the broker, PostgreSQL, both Caudal nodes (the second"
	echo "idle in the one-node rows) and the load generator, with whatever else the machine ran (see the"
	echo "load average, 1-minute, at the end of each row: above 2 something waited for a core). So two"
	echo "nodes here share the same two cores as one: the two-node rows show what the shared database and"
	echo "the cross-node paths cost, not how a cluster of separate machines scales. Read the ratios, not"
	echo "the absolute numbers."
	echo
	if [[ $ROUNDS == 1 ]]; then echo "One round: each number is from a single run."; else echo "$ROUNDS rounds: each number is the median, the range over the rounds in brackets."; fi
	echo
	echo "## 1. Caudal over HTTP against Kafka's own clients, same broker"
	echo
	echo "Produce: unkeyed 100 B records to a topic of 1 partition, a warm-up of $WARMUP_MS ms then $ROW_MS ms measured; each producer has one request in flight and sends the next when it is acknowledged (Caudal: \`bench produce\`, one HTTP request of \`batch\` records; Kafka: \`bench kafka-produce\`, a KafkaProducer per thread, \`acks=all\`, one batch of exactly \`batch\` records in flight). Latency is per request (Kafka: per batch). Consume: $CONSUME_RECORDS records of 100 B in $CONSUME_PARTITIONS partitions, loaded through Caudal, read from offset 0 to the end: Caudal \`bench fetch\` (HTTP fetch, a reader per partition, \`maxRecords\` 10000), Kafka ConsumerPerformance (fetch rate after its group join)."
	echo
	echo "| workload | Caudal, 1 node | Kafka clients | Caudal / Kafka | Caudal p50 / p99 ms | Kafka p50 / p99 ms | load avg Caudal / Kafka |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for row in "100 1" "100 16" "1 16"; do
		set -- $row
		id=produce-b$1-p$2
		echo "| produce 100 B, batch $1, $2 producer(s) | $(rate "$id-caudal" recordsPerSec) rec/s | $(rate "$id-kafka" recordsPerSec) rec/s | $(ratio "$id-caudal" recordsPerSec "$id-kafka" recordsPerSec) | $(latency "$id-caudal") | $(latency "$id-kafka") | $(median "$id-caudal" load1 2) / $(median "$id-kafka" load1 2) |"
	done
	echo "| consume $CONSUME_RECORDS × 100 B, $CONSUME_PARTITIONS partitions | $(rate consume-caudal recordsPerSec) rec/s | $(rate consume-kafka recordsPerSec) rec/s | $(ratio consume-caudal recordsPerSec consume-kafka recordsPerSec) | $(latency consume-caudal) per fetch | — | $(median consume-caudal load1 2) / $(median consume-kafka load1 2) |"
	echo
	echo "## 2. One Caudal node against two"
	echo
	echo "The same load generator (one JVM) sends to node A only, or alternately to A and B (producer i, reader of partition i, to node i mod 2). End-to-end: one 100 B record per HTTP request at $E2E_RATE records/s on a fixed schedule (open loop, latency from each record's due time; a warm-up of $E2E_WARMUP_MS ms, then $E2E_MS ms measured), produced through node A and timed until a \`/ws/topics\` tail has it: a tail on node A, or on node B (the record crosses the broker to the other node); Kafka's row is \`bench kafka-e2e\` (KafkaProducer \`acks=all\`, \`linger.ms=0\`, a KafkaConsumer assigned at the end)."
	echo
	echo "| workload | 1 node | 2 nodes | 2 nodes / 1 node | p50 / p99 ms, 1 node | p50 / p99 ms, 2 nodes | load avg 1 / 2 nodes |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for row in "100 16" "1 16"; do
		set -- $row
		id=produce-b$1-p$2
		echo "| produce 100 B, batch $1, $2 producers | $(rate "$id-caudal" recordsPerSec) rec/s | $(rate "$id-two-nodes" recordsPerSec) rec/s | $(ratio "$id-two-nodes" recordsPerSec "$id-caudal" recordsPerSec) | $(latency "$id-caudal") | $(latency "$id-two-nodes") | $(median "$id-caudal" load1 2) / $(median "$id-two-nodes" load1 2) |"
	done
	echo "| consume $CONSUME_RECORDS × 100 B over HTTP fetch | $(rate consume-caudal recordsPerSec) rec/s | $(rate consume-two-nodes recordsPerSec) rec/s | $(ratio consume-two-nodes recordsPerSec consume-caudal recordsPerSec) | $(latency consume-caudal) | $(latency consume-two-nodes) | $(median consume-caudal load1 2) / $(median consume-two-nodes load1 2) |"
	echo "| produce → tail, $E2E_RATE records/s: through A → on A (1 node), through A → on B (2 nodes) | p99 $(median e2e-caudal p99Ms 1)$(spread e2e-caudal p99Ms 1) ms; $(median e2e-caudal received) of $(median e2e-caudal sent) received | p99 $(median e2e-two-nodes p99Ms 1)$(spread e2e-two-nodes p99Ms 1) ms; $(median e2e-two-nodes received) of $(median e2e-two-nodes sent) received | p99 $(ratio e2e-two-nodes p99Ms e2e-caudal p99Ms) | $(latency e2e-caudal); produce answer $(latency_of e2e-caudal produce) | $(latency e2e-two-nodes); produce answer $(latency_of e2e-two-nodes produce) | $(median e2e-caudal load1 2) / $(median e2e-two-nodes load1 2) |"
	echo "| the same with Kafka's clients (reference) | p99 $(median e2e-kafka p99Ms 1)$(spread e2e-kafka p99Ms 1) ms; $(median e2e-kafka received) of $(median e2e-kafka sent) received | | | $(latency e2e-kafka); produce answer $(latency_of e2e-kafka produce) | | $(median e2e-kafka load1 2) |"
	echo
	echo "## 3. Group coordination through PostgreSQL"
	echo
	echo "$CALL_GROUPS groups of $CALL_MEMBERS HTTP members (\`bench groups\`) over a topic of $CALL_PARTITIONS partitions with no records, so every member owns one partition; a thread per member, one call in flight each, a warm-up of $GROUP_WARMUP_MS ms then $GROUP_MS ms measured. Before the clock the members join and heartbeat until every group is settled; with two nodes, member i calls node i mod 2, so every group has members on both. The calls: **join** \`POST /groups/{g}/members\` then \`DELETE\` of the member (both change the group's assignment; joins counted, join latency shown); **heartbeat** \`POST …/heartbeat?generation=G\`; **poll** \`GET …/records?waitMs=0&generation=G\`, which also reads the member's partition from Kafka once; **commit** \`POST …/commit\` with \`{\"generation\":G}\`, the delivered position of its partition."
	echo
	echo "| call | 1 node, calls/s | p50 / p99 ms | 2 nodes, calls/s | p50 / p99 ms | 2 nodes / 1 node | load avg 1 / 2 nodes |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for call in join heartbeat poll commit; do
		echo "| $call | $(rate "groups-$call-one" callsPerSec) | $(latency "groups-$call-one") | $(rate "groups-$call-two" callsPerSec) | $(latency "groups-$call-two") | $(ratio "groups-$call-two" callsPerSec "groups-$call-one" callsPerSec) | $(median "groups-$call-one" load1 2) / $(median "groups-$call-two" load1 2) |"
	done
	echo
	echo "### Rebalance after one member of $REBALANCE_MEMBERS leaves"
	echo
	echo "A trial per row per round (\`bench rebalance\`): $REBALANCE_MEMBERS HTTP members join a new group over a topic of $REBALANCE_PARTITIONS partitions with no records, each in a thread that long-polls (\`waitMs\` as in the row) with the latest generation it saw, as an HTTP consumer runs. Once the group is settled and has been quiet for a second, the member that joined last leaves (\`DELETE\`). **Settled** means: every member's latest answer (poll or join) has the same generation, nothing under \`revoking\`, and the members' assignments together hold every partition exactly once. **Rebalance time**: from just before the \`DELETE\` is sent to the arrival of the answer that completed the settled picture of the $((REBALANCE_MEMBERS - 1)) remaining members at a generation above the one before. It covers the new target assignment, every old owner hearing of its revocation and acknowledging it with its next poll, and every new owner's poll answering its new partition. Checked after each trial: \`GET /groups/{g}\` said STABLE with $((REBALANCE_MEMBERS - 1)) members. *Moved*: partitions with another owner after (the leaver's included). *Expired polls*: members whose part of the settled picture came in a long poll that took at least its whole \`waitMs\` (the wait starts after the poll's reads, so nothing woke it when its news came: it answered when the wait ran out)."
	echo
	echo "| assignor, long-poll wait, nodes | rebalance ms | partitions moved | expired polls | answers during it | 50 members settled after join, ms | load avg |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for row in "range 5000 one" "range 5000 two" "sticky 5000 one" "range 1000 one"; do
		set -- $row
		id=rebalance-$1-$2-$3
		echo "| $1, ${2} ms, $([[ $3 == one ]] && echo "1 node" || echo "2 nodes") | $(rate "$id" rebalanceMs) | $(median "$id" moved) | $(median "$id" expiredPolls) of $((REBALANCE_MEMBERS - 1)) | $(median "$id" answers) | $(rate "$id" formMs) | $(median "$id" load1 2) |"
	done
	echo
	echo "## Errors and failed rows"
	echo
	failed=$(failures)
	if [[ -n $failed ]]; then echo "Rows that exited non-zero (round/row (status)): $(echo "$failed" | paste -sd ';' | sed 's/;/; /g')."; else echo "Every row exited 0."; fi
	echo
	for n in a b; do
		echo "- Node $n's log: $(grep -c ' ERROR ' "$LOGS/node-$n.log" || true) ERROR and $(grep -c ' WARN ' "$LOGS/node-$n.log" || true) WARN lines$(grep -E ' (ERROR|WARN) ' "$LOGS/node-$n.log" | sed -E 's/^[^ ]+ +(ERROR|WARN) [0-9]+ --- \[[^]]*\] \[[^]]*\] //; s/ +/ /g; s/`//g; s/[0-9]+/N/g' | cut -c1-160 | sort | uniq -c | sort -rn | head -5 | awk 'NR == 1 {printf "; most frequent:"} {c = $1; $1 = ""; printf " %dx `%s`;", c, substr($0, 2)}')"
	done
	echo "- Generator lines reporting a failed call: $(cat "$LOGS"/r*/*.log 2>/dev/null | grep -cE 'failed|answered [0-9]{3}' || true)$(cat "$LOGS"/r*/*.log 2>/dev/null | grep -oE 'answered [0-9]{3}' | sort | uniq -c | awk 'NR == 1 {printf ", by status:"} {printf " %s×%s", $3, $1}')"
} >"$OUT"
log "Results: $OUT"
cat "$OUT"
