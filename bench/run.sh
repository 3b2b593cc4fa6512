#!/usr/bin/env bash
# Caudal against Apache Kafka 4.3.1 on this machine: produce, consume, end-to-end latency and idle
# sockets, Caudal first, then Kafka, never both at once. Writes bench/results/<date>-<commit>.md.
#
#   bench/run.sh              the full run (about 10-15 minutes on 2 cores)
#   bench/run.sh --quick      a smoke run of every workload (under two minutes once built)
#   bench/run.sh --profile    also record Caudal with JFR and print where the time goes
#   bench/run.sh --no-build   use the jars and classpath already built
#
# Everything listens on and talks to 127.0.0.1 only. Every load generator is bounded in records
# and in time. Work files (data directories, logs, recordings) go to bench/target/run.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
MODE=full
PROFILE=0
BUILD=1
for arg in "$@"; do
	case "$arg" in
		--quick) MODE=quick ;;
		--profile) PROFILE=1 ;;
		--no-build) BUILD=0 ;;
		-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
		*) echo "Unknown option $arg (try --help)" >&2; exit 2 ;;
	esac
done

WORK=$BENCH/target/run
RES=$WORK/res
rm -rf "$WORK"
mkdir -p "$RES" "$WORK/logs"
RUN_START=$(date +%s)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^?? bench/' && echo " + uncommitted changes" || true)
cut -d' ' -f1-3 /proc/loadavg >"$WORK/loadavg.start"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$WORK/run.log" >&2; }

# ---------------------------------------------------------------------------------------------
# Build: Caudal's jar, the load generators, Kafka's classpath (Maven Central only).
maven() { # offline first (nothing to fetch on a warm machine), then online
	(cd "$ROOT" && ./mvnw -q -o "$@") >>"$WORK/logs/build.log" 2>&1 || (cd "$ROOT" && ./mvnw -q "$@") >>"$WORK/logs/build.log" 2>&1
}
CAUDAL_JAR=${CAUDAL_JAR:-$ROOT/target/caudal-0.1.0-SNAPSHOT.jar}
if [[ $BUILD == 1 ]]; then
	log "Building Caudal, the load generators and Kafka's classpath (log: $WORK/logs/build.log)"
	maven -DskipTests package
	maven -f bench/pom.xml package
	maven -f bench/kafka/pom.xml generate-resources
fi
for f in "$CAUDAL_JAR" "$BENCH/target/caudal-bench-0.1.0-SNAPSHOT.jar" "$BENCH/kafka/target/kafka.classpath"; do
	[[ -f $f ]] || { echo "Missing $f: run without --no-build" >&2; exit 1; }
done
BENCH_CP="$BENCH/target/caudal-bench-0.1.0-SNAPSHOT.jar:$(cat "$BENCH/target/bench.classpath")"
KAFKA_CP=$(cat "$BENCH/kafka/target/kafka.classpath")
GEN_JVM=(-Xmx512m -XX:+UseParallelGC)
BENCH_CMD=(java "${GEN_JVM[@]}" -cp "$BENCH_CP" io.caudal.bench.Bench)
bench() { "${BENCH_CMD[@]}" "$@"; }

# ---------------------------------------------------------------------------------------------
# The workloads of this mode.
if [[ $MODE == quick ]]; then
	SIZES=(100); BATCHES=(100); PRODUCERS=(1 16)
	WARMUP_MS=1000; ROW_MS=2000
	CONSUME_RECORDS=200000
	E2E_RATE=200; E2E_WARMUP_MS=1000; E2E_MS=2000; KAFKA_E2E_RECORDS=500
	IDLE_SOCKETS=1000; IDLE_WINDOW_S=2
	SERVER_WARMUP_S=0
else
	SIZES=(100 1024); BATCHES=(1 100 1000); PRODUCERS=(1 16)
	WARMUP_MS=2000; ROW_MS=8000
	CONSUME_RECORDS=3000000
	E2E_RATE=500; E2E_WARMUP_MS=3000; E2E_MS=20000; KAFKA_E2E_RECORDS=10000
	IDLE_SOCKETS=1000; IDLE_WINDOW_S=20
	SERVER_WARMUP_S=12
fi
CONSUME_PARTITIONS=4
ROWS=$WORK/rows.tsv
: >"$ROWS"
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; } # id kind label caudal-durability kafka-id
for s in "${SIZES[@]}"; do for b in "${BATCHES[@]}"; do for p in "${PRODUCERS[@]}"; do
	row "produce-s$s-b$b-p$p-fsync" produce "produce ${s} B, batch $b, $p producer(s)" fsync "produce-s$s-b$b-p$p"
	row "produce-s$s-b$b-p$p-nofsync" produce "produce ${s} B, batch $b, $p producer(s)" flush1s "produce-s$s-b$b-p$p"
done; done; done
row consume-http consume "consume $CONSUME_RECORDS x 100 B, $CONSUME_PARTITIONS partitions: HTTP fetch" read consume
row consume-ws consume "consume $CONSUME_RECORDS x 100 B, $CONSUME_PARTITIONS partitions: WebSocket" read consume
row e2e-fsync e2e "end-to-end latency, 100 B" fsync e2e
row e2e-nofsync e2e "end-to-end latency, 100 B" flush1s e2e
row idle idle "$IDLE_SOCKETS idle sockets" none idle

# ---------------------------------------------------------------------------------------------
# Process helpers: ports, readiness, peak RSS and CPU of the server under test.
free_port() {
	local port=$1
	while ss -ltn "sport = :$port" | grep -q LISTEN; do port=$((port + 1)); done
	echo "$port"
}
SERVER_PID=
RSS_PID=
rss_start() { # samples the server's resident set every 200 ms, keeps the peak
	local out=$WORK/rss.peak
	echo 0 >"$out"
	(
		peak=0
		while kill -0 "$SERVER_PID" 2>/dev/null; do
			kb=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
			if ((kb > peak)); then peak=$kb; echo "$peak" >"$out.tmp" && mv "$out.tmp" "$out"; fi
			sleep 0.2
		done
	) &
	RSS_PID=$!
}
rss_stop() { # prints peakRssMiB=N
	kill "$RSS_PID" 2>/dev/null || true
	wait "$RSS_PID" 2>/dev/null || true
	local kb
	kb=$(cat "$WORK/rss.peak" 2>/dev/null || true)
	echo "peakRssMiB=$(( ${kb:-0} / 1024 ))"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
CLK_TCK=$(getconf CLK_TCK)
live_heap_mib() { # live objects after a full collection, from the class histogram's total
	jcmd "$SERVER_PID" GC.class_histogram 2>/dev/null | awk '/^Total/ {printf "%.1f", $3 / 1048576}'
}
# Runs one measurement: $1 side, $2 row id, rest the command. Its RESULT line and the server's
# peak RSS go to res/<side>.<row>; its output to logs/<side>.<row>.log.
measure() {
	local side=$1 id=$2
	shift 2
	local out=$WORK/logs/$side.$id.log
	log "$side: $id"
	rss_start
	local from to status=0
	from=$(date +%s%3N)
	timeout 900 "$@" >"$out" 2>&1 || status=$?
	to=$(date +%s%3N)
	{
		grep '^RESULT' "$out" | tail -1 | sed 's/^RESULT //' | tr ' ' '\n' || true
		rss_stop
		echo "exit=$status"
		echo "load1=$(cut -d' ' -f1 /proc/loadavg)"
	} >"$RES/$side.$id"
	printf '%s\t%s\t%s\n' "$id" "$from" "$to" >>"$WORK/windows.$side.tsv"
	if [[ $status != 0 ]]; then log "  $side $id exited with $status; see $out"; fi
	grep -E '^(records|recordsPerSec|p99Ms|complete|received)=' "$RES/$side.$id" | tr '\n' ' ' | sed 's/^/  /' >&2 || true
	echo >&2
}
stop_server() {
	if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=
}
cleanup() { kill "$RSS_PID" 2>/dev/null || true; stop_server; }
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Caudal
CPORT=$(free_port 18080)
CURL=(curl -s --max-time 30)
CAUDAL=http://127.0.0.1:$CPORT
CAUDAL_JVM=(-Xmx1g)
if [[ $PROFILE == 1 ]]; then
	CAUDAL_JVM+=("-XX:StartFlightRecording=filename=$WORK/caudal.jfr,settings=profile,dumponexit=true")
fi
log "Starting Caudal on 127.0.0.1:$CPORT (${CAUDAL_JVM[*]})"
mkdir -p "$WORK/caudal-data"
java "${CAUDAL_JVM[@]}" -jar "$CAUDAL_JAR" --server.address=127.0.0.1 --server.port="$CPORT" \
	--caudal.data-dir="$WORK/caudal-data" >"$WORK/logs/caudal.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 180); do
	"${CURL[@]}" -f "$CAUDAL/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$SERVER_PID" 2>/dev/null || { echo "Caudal did not start; see $WORK/logs/caudal.log" >&2; exit 1; }
	sleep 0.5
done
caudal_topic() { # name partitions flush.ms
	local status
	status=$("${CURL[@]}" -o "$WORK/logs/topic.out" -w '%{http_code}' -XPOST "$CAUDAL/topics" \
		-H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"partitions\":$2,\"config\":{\"flush.ms\":$3}}")
	[[ $status == 201 ]] || { echo "Creating topic $1 answered $status: $(cat "$WORK/logs/topic.out")" >&2; exit 1; }
}

# Both servers are warmed up the same way before anything is measured, so that their JIT
# compilers do not charge the first rows: produce in batches of 1 (16 producers) and of 100, then
# read it all back. Not measured.
if ((SERVER_WARMUP_S > 0)); then
	log "caudal: warm-up, about $((SERVER_WARMUP_S * 3 / 2)) s, not measured"
	caudal_topic warmup 1 0
	{
		"${BENCH_CMD[@]}" produce --url "$CAUDAL" --topic warmup --producers 16 --batch 1 --record-size 100 \
			--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500))
		"${BENCH_CMD[@]}" produce --url "$CAUDAL" --topic warmup --producers 4 --batch 100 --record-size 100 \
			--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500)) --max-records 1000000
		"${BENCH_CMD[@]}" fetch --url "$CAUDAL" --topic warmup --partitions 1 --timeout-ms 60000
	} >"$WORK/logs/caudal.warmup.log" 2>&1
fi

for s in "${SIZES[@]}"; do for b in "${BATCHES[@]}"; do for p in "${PRODUCERS[@]}"; do
	for d in fsync nofsync; do
		id=produce-s$s-b$b-p$p-$d
		caudal_topic "$id" 1 "$([[ $d == fsync ]] && echo 0 || echo 1000)"
		measure caudal "$id" "${BENCH_CMD[@]}" produce --url "$CAUDAL" --topic "$id" --producers "$p" --batch "$b" \
			--record-size "$s" --warmup-ms "$WARMUP_MS" --duration-ms "$ROW_MS" --max-records 100000000
	done
done; done; done

log "caudal: loading $CONSUME_RECORDS records to read back"
caudal_topic consume "$CONSUME_PARTITIONS" 1000
bench produce --url "$CAUDAL" --topic consume --producers "$CONSUME_PARTITIONS" --batch 1000 --record-size 100 \
	--warmup-ms 0 --duration-ms 600000 --max-records "$CONSUME_RECORDS" >"$WORK/logs/caudal.load.log" 2>&1
measure caudal consume-http "${BENCH_CMD[@]}" fetch --url "$CAUDAL" --topic consume --partitions "$CONSUME_PARTITIONS" \
	--record-size 100 --timeout-ms 300000
WS=ws://127.0.0.1:$CPORT
if [[ $(bench probe --ws-url "$WS/ws/groups/bench-probe?topics=consume&autoOffsetReset=latest") == yes ]]; then
	WS_KIND=group
	WS_CONSUME="$WS/ws/groups/bench-consume?topics=consume&autoOffsetReset=earliest&credit=10000"
	WS_IDLE="$WS/ws/groups/bench-idle?topics=idle&autoOffsetReset=latest"
else
	WS_KIND=tail
	WS_CONSUME="$WS/ws/topics/consume?from=earliest&credit=10000"
	WS_IDLE="$WS/ws/topics/idle?from=latest"
fi
echo "$WS_KIND" >"$WORK/ws-kind"
sed -i "s/^idle\tidle\t[^\t]*/idle\tidle\t$IDLE_SOCKETS idle WebSocket $([[ $WS_KIND == group ]] && echo 'group members' || echo 'topic tails')/" "$ROWS"
log "caudal: WebSocket consumers use ${WS_KIND}s ($WS_CONSUME)"
measure caudal consume-ws "${BENCH_CMD[@]}" ws-consume --ws-url "$WS_CONSUME" --expected "$CONSUME_RECORDS" --credit 10000 \
	--record-size 100 --timeout-ms 300000

for d in fsync nofsync; do
	caudal_topic "e2e-$d" 1 "$([[ $d == fsync ]] && echo 0 || echo 1000)"
	measure caudal "e2e-$d" "${BENCH_CMD[@]}" e2e --url "$CAUDAL" --topic "e2e-$d" --rate "$E2E_RATE" --warmup-ms "$E2E_WARMUP_MS" \
		--duration-ms "$E2E_MS" --record-size 100
done

# Idle: live heap and CPU with no sockets, then with the sockets open and idle.
idle_measure() { # side command...; the command prints OPEN when its sockets are up and holds them
	local side=$1
	shift
	local out=$WORK/logs/$side.idle.log
	log "$side: idle"
	sleep 1
	local heap0 t0 t1 heap1 from to
	heap0=$(live_heap_mib)
	t0=$(cpu_ticks); sleep "$IDLE_WINDOW_S"; t1=$(cpu_ticks)
	local base=$(( t1 - t0 ))
	rss_start
	from=$(date +%s%3N)
	"$@" >"$out" 2>&1 &
	local gen=$!
	for _ in $(seq 1 240); do grep -q '^OPEN' "$out" && break; kill -0 "$gen" 2>/dev/null || break; sleep 0.5; done
	sleep 3 # let the handshakes' garbage and the first frames settle
	t0=$(cpu_ticks); sleep "$IDLE_WINDOW_S"; t1=$(cpu_ticks)
	heap1=$(live_heap_mib)
	jcmd "$SERVER_PID" GC.class_histogram 2>/dev/null | head -25 >"$WORK/logs/$side.idle.histogram.txt" || true
	touch "$WORK/idle.stop"
	wait "$gen" || true
	to=$(date +%s%3N)
	{
		grep '^RESULT' "$out" | tail -1 | sed 's/^RESULT //' | tr ' ' '\n' || true
		echo "heapBeforeMiB=$heap0"
		echo "heapWithSocketsMiB=$heap1"
		awk -v b="$base" -v a="$(( t1 - t0 ))" -v hz="$CLK_TCK" -v w="$IDLE_WINDOW_S" \
			'BEGIN {printf "cpuBaselinePct=%.2f\ncpuIdlePct=%.2f\n", 100 * b / hz / w, 100 * a / hz / w}'
		rss_stop
		echo "load1=$(cut -d' ' -f1 /proc/loadavg)"
	} >"$RES/$side.idle"
	rm -f "$WORK/idle.stop"
	printf '%s\t%s\t%s\n' idle "$from" "$to" >>"$WORK/windows.$side.tsv"
	tr '\n' ' ' <"$RES/$side.idle" | sed 's/^/  /' >&2
	echo >&2
}
caudal_topic idle 1 0
HOLD_MS=$(( (IDLE_WINDOW_S + 60) * 1000 ))
idle_measure caudal "${BENCH_CMD[@]}" idle --ws-url "$WS_IDLE" --count "$IDLE_SOCKETS" --hold-ms "$HOLD_MS" \
	--stop-file "$WORK/idle.stop"
log "Stopping Caudal"
stop_server

# ---------------------------------------------------------------------------------------------
# Kafka: one broker, KRaft combined mode, JVM options of Kafka's own start scripts.
KPORT=$(free_port 19092)
KCTRL=$(free_port $((KPORT + 1)))
KDIR=$WORK/kafka
mkdir -p "$KDIR/data"
cat >"$KDIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KCTRL
listeners=PLAINTEXT://127.0.0.1:$KPORT,CONTROLLER://127.0.0.1:$KCTRL
advertised.listeners=PLAINTEXT://127.0.0.1:$KPORT,CONTROLLER://127.0.0.1:$KCTRL
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KDIR/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
KAFKA_LOG4J=(-Dlog4j2.configurationFile="$BENCH/kafka/log4j2.properties")
TOOL_JVM=(-Xmx512m "${KAFKA_LOG4J[@]}" -Dbench.log.level=WARN -Dbench.log.file="$WORK/logs/kafka-tools.log")
KAFKA_TOOL=(java "${TOOL_JVM[@]}" -cp "$KAFKA_CP")
kafka_tool() { "${KAFKA_TOOL[@]}" "$@"; }
log "Formatting Kafka's storage and starting the broker on 127.0.0.1:$KPORT"
CLUSTER_ID=$(kafka_tool kafka.tools.StorageTool random-uuid)
kafka_tool kafka.tools.StorageTool format --standalone -t "$CLUSTER_ID" -c "$KDIR/server.properties" \
	>"$WORK/logs/kafka-format.log" 2>&1
java -Xms1g -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
	-XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "${KAFKA_LOG4J[@]}" \
	-Dbench.log.file="$WORK/logs/kafka-server.log" -cp "$KAFKA_CP" kafka.Kafka "$KDIR/server.properties" \
	>"$WORK/logs/kafka-server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 180); do
	grep -q 'Kafka Server started' "$WORK/logs/kafka-server.log" 2>/dev/null && break
	kill -0 "$SERVER_PID" 2>/dev/null || { echo "Kafka did not start; see $WORK/logs/kafka-server.log" >&2; exit 1; }
	sleep 0.5
done
BOOT=127.0.0.1:$KPORT
kafka_topic() { # name partitions
	kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOT" --create --topic "$1" \
		--partitions "$2" --replication-factor 1 >>"$WORK/logs/kafka-topics.log" 2>&1
}

# Records for a Kafka produce row: enough for about WARMUP+ROW at the rate Kafka reached here
# (the tool is bounded by a count, not a time); a fifth of them are its warm-up.
kafka_records() { # size batch producers -> records per producer
	local s=$1 b=$2 p=$3 rate
	case "$b" in
		1) rate=$((p == 1 ? 2000 : 5000)) ;;
		100) rate=$((p == 1 ? 80000 : 150000)) ;;
		*) rate=$((p == 1 ? 200000 : 250000)) ;;
	esac
	((s > 200)) && rate=$((rate / 4))
	((b == 1)) && ((s > 200)) && rate=$((rate * 3))
	[[ $MODE == quick ]] && rate=$((rate / 2))
	echo $((rate * (WARMUP_MS + ROW_MS) / 1000 / p))
}
if ((SERVER_WARMUP_S > 0)); then
	log "kafka: warm-up, about $((SERVER_WARMUP_S * 3 / 2)) s, not measured"
	{
		java "${TOOL_JVM[@]}" -cp "$BENCH_CP:$KAFKA_CP" io.caudal.bench.Bench parallel 16 \
			org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOT" --topic warmup \
			--num-records $((SERVER_WARMUP_S * 5000 / 2 / 16)) --record-size 100 --throughput -1 \
			--command-property acks=all max.in.flight.requests.per.connection=1 batch.size=172 buffer.memory=344 \
			"client.id=warm-{i}"
		kafka_tool org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOT" --topic warmup \
			--num-records $((SERVER_WARMUP_S * 80000 / 2)) --record-size 100 --throughput -1 \
			--command-property acks=all max.in.flight.requests.per.connection=1 batch.size=11161 buffer.memory=22322
		kafka_tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" --topic warmup \
			--num-records $((SERVER_WARMUP_S * 5000 / 2 / 16 * 16 + SERVER_WARMUP_S * 80000 / 2)) --group warmup \
			--timeout 30000
	} >"$WORK/logs/kafka.warmup.log" 2>&1 || true
fi
for s in "${SIZES[@]}"; do for b in "${BATCHES[@]}"; do for p in "${PRODUCERS[@]}"; do
	id=produce-s$s-b$b-p$p
	n=$(kafka_records "$s" "$b" "$p")
	# One request in flight per producer and at most b records per request, as Caudal's producers;
	# room for a few batches in the producer's buffer, so that send() waits as Caudal's producers do
	# instead of queueing 32 MiB of records ahead of the broker; linger.ms at Kafka 4's default (5),
	# 0 for single records.
	batch_bytes=$((61 + b * (s + 11)))
	measure kafka "$id" java "${TOOL_JVM[@]}" -cp "$BENCH_CP:$KAFKA_CP" io.caudal.bench.Bench parallel "$p" \
		org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOT" --topic "$id" --num-records "$n" \
		--record-size "$s" --throughput -1 --warmup-records $((n / 5)) --reporting-interval 600000 \
		--command-property acks=all max.in.flight.requests.per.connection=1 "batch.size=$batch_bytes" \
		"buffer.memory=$((4 * batch_bytes))" "linger.ms=$((b == 1 ? 0 : 5))" "client.id=perf-{i}"
	# The tool prints one steady-state line per producer: add the rates, average the percentiles.
	awk -F', ' '/steady state records sent/ {
			split($2, r, " "); rate += r[1]; mb = $2; sub(/.*\(/, "", mb); sub(/ MB.*/, "", mb); mbs += mb
			split($5, a, " "); p50 += a[1]; split($7, c, " "); p99 += c[1]; split($8, d, " "); p999 += d[1]
			records += $1 + 0; n++ }
		END { if (n) printf "records=%d\nproducers=%d\nrecordsPerSec=%.1f\nmibPerSec=%.2f\np50Ms=%.1f\np99Ms=%.1f\np999Ms=%.1f\n",
			records, n, rate, mbs, p50 / n, p99 / n, p999 / n }' "$WORK/logs/kafka.$id.log" >>"$RES/kafka.$id"
done; done; done

log "kafka: loading $CONSUME_RECORDS records to read back"
kafka_topic consume "$CONSUME_PARTITIONS"
kafka_tool org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOT" --topic consume \
	--num-records "$CONSUME_RECORDS" --record-size 100 --throughput -1 --reporting-interval 600000 \
	--command-property acks=1 linger.ms=20 batch.size=102400 >"$WORK/logs/kafka.load.log" 2>&1
measure kafka consume "${KAFKA_TOOL[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
	--topic consume --num-records "$CONSUME_RECORDS" --group bench-consume --timeout 60000
# start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
awk -F', ' 'NF >= 10 && $5 ~ /^[0-9]+$/ { printf "records=%d\nrecordsPerSec=%.1f\nmibPerSec=%.2f\nrebalanceMs=%d\nfetchMs=%d\n",
	$5, $10, $9, $7, $8 }' "$WORK/logs/kafka.consume.log" | tail -5 >>"$RES/kafka.consume"

# Kafka's EndToEndLatency is closed loop: one record in flight, produce then poll until it is back.
measure kafka e2e "${KAFKA_TOOL[@]}" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOT" --topic e2e \
	--num-records "$KAFKA_E2E_RECORDS" --producer-acks all --record-size 100
awk '/^Avg latency/ { printf "avgMs=%s\n", $3 }
	/^Percentiles/ { gsub(",", ""); printf "p50Ms=%s\np99Ms=%s\np999Ms=%s\n", $4, $7, $10 }' \
	"$WORK/logs/kafka.e2e.log" >>"$RES/kafka.e2e"

kafka_topic idle 1
idle_measure kafka java -Xmx2g "${KAFKA_LOG4J[@]}" -Dbench.log.level=WARN -Dbench.log.file="$WORK/logs/kafka-idle.log" \
	-cp "$KAFKA_CP" "$BENCH/kafka/IdleConsumers.java" --bootstrap "$BOOT" --topic idle --count "$IDLE_SOCKETS" \
	--hold-ms "$HOLD_MS" --stop-file "$WORK/idle.stop"
log "Stopping Kafka"
stop_server

# ---------------------------------------------------------------------------------------------
# Report
mkdir -p "$BENCH/results"
SUFFIX=$([[ $MODE == quick ]] && echo "-quick" || true)
OUT=$BENCH/results/$(date +%Y-%m-%d)-$COMMIT$SUFFIX.md
JDK=$(java -version 2>&1 | sed -n 2p)
{
	echo "# Caudal vs Apache Kafka 4.3.1 — $(date '+%Y-%m-%d %H:%M %Z'), $MODE run"
	echo
	echo "- Commit: \`$COMMIT\`$DIRTY; Caudal jar: \`$(basename "$CAUDAL_JAR")\`, \`-Xmx1g\`$([[ $PROFILE == 1 ]] && echo ', JFR on (profile settings)')"
	echo "- Kafka: 4.3.1 from Maven Central, one broker in KRaft combined mode, Kafka's script JVM options (\`-Xms1g -Xmx1g\`, G1)"
	echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem/ {print $2}') GiB memory, $JDK, $(uname -sr)"
	echo "- Load average at start and end: $(cat "$WORK/loadavg.start" 2>/dev/null || true) / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- Command: \`bench/run.sh$([[ $MODE == quick ]] && echo ' --quick')$([[ $PROFILE == 1 ]] && echo ' --profile')\` ($(( ($(date +%s) - RUN_START) / 60 )) min)"
	echo
	bench report --dir "$WORK" --ws-kind "$WS_KIND" --row-ms "$ROW_MS" --warmup-ms "$WARMUP_MS" --e2e-rate "$E2E_RATE"
} >"$OUT"

if [[ $PROFILE == 1 && -f $WORK/caudal.jfr ]]; then
	{
		echo
		echo "## Where Caudal's time goes (JFR, $(basename "$WORK/caudal.jfr"))"
		while read -r id; do
			window=$(awk -v id="$id" '$1 == id {print $2, $3}' "$WORK/windows.caudal.tsv")
			[[ -n $window ]] || continue
			read -r from to <<<"$window"
			echo
			echo "### $id"
			echo
			bench jfr --file "$WORK/caudal.jfr" --from "$from" --to "$to" --top 12
		done <"$WORK/profile-rows.txt"
	} >>"$OUT"
fi
log "Results: $OUT"
cat "$OUT"
