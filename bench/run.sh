#!/usr/bin/env bash
# Caudal against Apache Kafka 4.3.1 on this machine: produce, consume, end-to-end latency and idle
# sockets, never both servers at once. A round is every row on Caudal, then every row on Kafka;
# the rounds repeat, so that each number in the report is the median of runs interleaved with the
# other side's. Writes bench/results/<date>-<commit>.md.
#
#   bench/run.sh              the full run, 3 rounds (about 45 minutes on 2 cores)
#   bench/run.sh --quick      a smoke run of every workload, 1 round (about 4 minutes once built)
#   bench/run.sh --rounds N   N rounds instead
#   bench/run.sh --profile    also record Caudal with JFR and print where the time goes (round 1)
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
ROUNDS=
while (($#)); do
	case "$1" in
		--quick) MODE=quick ;;
		--profile) PROFILE=1 ;;
		--no-build) BUILD=0 ;;
		--rounds) ROUNDS=${2:-}; shift ;;
		-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
		*) echo "Unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
WORK=$BENCH/target/run
# The build, the generators' and tools' command lines, free_port, start_kafka, kafka_topic.
source "$BENCH/lib.sh"
begin_run

# ---------------------------------------------------------------------------------------------
# The workloads of this mode.
if [[ $MODE == quick ]]; then
	SIZES=(100); BATCHES=(100); PRODUCERS=(1 16)
	WARMUP_MS=1000; ROW_MS=2000
	CONSUME_RECORDS=200000
	E2E_RATE=200; E2E_WARMUP_MS=1000; E2E_MS=2000
	IDLE_SOCKETS=1000; IDLE_WINDOW_S=2; IDLE_SETTLE_S=3
	SERVER_WARMUP_S=4
else
	SIZES=(100 1024); BATCHES=(1 100 1000); PRODUCERS=(1 16)
	WARMUP_MS=2000; ROW_MS=8000
	CONSUME_RECORDS=3000000
	E2E_RATE=500; E2E_WARMUP_MS=3000; E2E_MS=20000
	IDLE_SOCKETS=1000; IDLE_WINDOW_S=30; IDLE_SETTLE_S=30
	SERVER_WARMUP_S=12
fi
CONSUME_PARTITIONS=4
# One line per row: id, kind, label, durability, the Kafka row with the same durability, and the
# Kafka row with Kafka's default durability when that is another one (else -).
ROWS=$WORK/rows.tsv
: >"$ROWS"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
for s in "${SIZES[@]}"; do for b in "${BATCHES[@]}"; do for p in "${PRODUCERS[@]}"; do
	id=produce-s$s-b$b-p$p
	row "$id-fsync" produce "produce ${s} B, batch $b, $p producer(s)" fsync "$id-fsync" "$id-nofsync"
	row "$id-nofsync" produce "produce ${s} B, batch $b, $p producer(s)" nofsync "$id-nofsync" -
done; done; done
for transport in "HTTP fetch:http" "WebSocket:ws" "Server-Sent Events:sse"; do
	row "consume-${transport#*:}" consume "consume $CONSUME_RECORDS x 100 B, $CONSUME_PARTITIONS partitions: ${transport%:*}" \
		read consume -
done
row e2e-fsync e2e "end-to-end latency, 100 B, $E2E_RATE records/s" fsync e2e-fsync e2e-nofsync
row e2e-nofsync e2e "end-to-end latency, 100 B, $E2E_RATE records/s" nofsync e2e-nofsync -
row idle idle "$IDLE_SOCKETS idle sockets" none idle -

# ---------------------------------------------------------------------------------------------
# Process helpers: peak RSS and CPU of the server under test. RES and LOGS are the current
# round's directories.
SERVER_PID=
RSS_PID=
RES=
LOGS=
ROUND=
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
# CPU of the server's threads other than the JIT compilers': what an idle server costs once its code is compiled.
# Opening 1,000 sockets compiles new code paths for a minute or more, which would otherwise be charged to idleness.
cpu_ticks() {
	local total=0 task
	for task in /proc/"$SERVER_PID"/task/*; do
		case "$(cat "$task/comm" 2>/dev/null)" in C1\ CompilerThre* | C2\ CompilerThre* | Sweeper*) continue ;; esac
		total=$((total + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0)))
	done
	echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
live_heap_mib() { # live objects after a full collection, from the class histogram's total
	jcmd "$SERVER_PID" GC.class_histogram 2>/dev/null | awk '/^Total/ {printf "%.1f", $3 / 1048576}'
}
start_round() { # side round: the round's result and log directories
	ROUND=$2
	RES=$WORK/res/r$ROUND
	LOGS=$WORK/logs/r$ROUND
	mkdir -p "$RES" "$LOGS"
	log "Round $ROUND of $ROUNDS: $1"
}
# Runs one measurement: $1 side, $2 row id, rest the command. Its RESULT line and the server's
# peak RSS go to res/r<round>/<side>.<row>; its output to logs/r<round>/<side>.<row>.log.
measure() {
	local side=$1 id=$2
	shift 2
	local out=$LOGS/$side.$id.log
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
	printf '%s\t%s\t%s\n' "$id" "$from" "$to" >>"$WORK/windows.$side.r$ROUND.tsv"
	if [[ $status != 0 ]]; then log "  $side $id exited with $status; see $out"; fi
	grep -E '^(records|recordsPerSec|p99Ms|complete|received)=' "$RES/$side.$id" | tr '\n' ' ' | sed 's/^/  /' >&2 || true
	echo >&2
}
stop_server() {
	stop_process "$SERVER_PID"
	SERVER_PID=
}
# KAFKA_PID too: a broker still starting is not yet the server under test.
cleanup() { kill "$RSS_PID" 2>/dev/null || true; stop_server; stop_process "$KAFKA_PID"; }
trap cleanup EXIT

# Idle: live heap and CPU with no sockets, then with the sockets open and idle.
HOLD_MS=$(( (IDLE_SETTLE_S + IDLE_WINDOW_S + 60) * 1000 ))
idle_measure() { # side command...; the command prints OPEN when its sockets are up and holds them
	local side=$1
	shift
	local out=$LOGS/$side.idle.log
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
	sleep "$IDLE_SETTLE_S" # let the handshakes' garbage, the first frames and the first heartbeats settle
	t0=$(cpu_ticks); sleep "$IDLE_WINDOW_S"; t1=$(cpu_ticks)
	heap1=$(live_heap_mib)
	jcmd "$SERVER_PID" GC.class_histogram 2>/dev/null | head -25 >"$LOGS/$side.idle.histogram.txt" || true
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
	printf '%s\t%s\t%s\n' idle "$from" "$to" >>"$WORK/windows.$side.r$ROUND.tsv"
	tr '\n' ' ' <"$RES/$side.idle" | sed 's/^/  /' >&2
	echo >&2
}

# ---------------------------------------------------------------------------------------------
# Caudal
CAUDAL_JVM=(-Xmx1g)
WS_KIND=
SSE_STATUS=
caudal_round() {
	start_round caudal "$1"
	local port jvm=("${CAUDAL_JVM[@]}")
	port=$(free_port 18080)
	CAUDAL=http://127.0.0.1:$port
	if [[ $PROFILE == 1 ]]; then
		jvm+=("-XX:StartFlightRecording=filename=$WORK/caudal-r$ROUND.jfr,settings=profile,dumponexit=true")
	fi
	log "Starting Caudal on 127.0.0.1:$port (${jvm[*]})"
	rm -rf "$WORK/caudal-data"
	mkdir -p "$WORK/caudal-data"
	java "${jvm[@]}" -jar "$CAUDAL_JAR" --server.address=127.0.0.1 --server.port="$port" \
		--caudal.data-dir="$WORK/caudal-data" >"$LOGS/caudal.log" 2>&1 &
	SERVER_PID=$!
	wait_for_caudal "$CAUDAL" "$SERVER_PID" "$LOGS/caudal.log"

	# Both servers are warmed up the same way before anything is measured, so that their JIT
	# compilers do not charge the first rows: produce in batches of 1 (16 producers) and of 100,
	# then read it all back. Not measured.
	if ((SERVER_WARMUP_S > 0)); then
		log "caudal: warm-up, about $((SERVER_WARMUP_S * 3 / 2)) s, not measured"
		caudal_topic warmup 1 0
		{
			bench produce --url "$CAUDAL" --topic warmup --producers 16 --batch 1 --record-size 100 \
				--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500))
			bench produce --url "$CAUDAL" --topic warmup --producers 4 --batch 100 --record-size 100 \
				--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500)) --max-records 1000000
			bench fetch --url "$CAUDAL" --topic warmup --partitions 1 --timeout-ms 60000
		} >"$LOGS/caudal.warmup.log" 2>&1
	fi

	local s b p d id
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
		--warmup-ms 0 --duration-ms 600000 --max-records "$CONSUME_RECORDS" >"$LOGS/caudal.load.log" 2>&1
	measure caudal consume-http "${BENCH_CMD[@]}" fetch --url "$CAUDAL" --topic consume --partitions "$CONSUME_PARTITIONS" \
		--record-size 100 --timeout-ms 300000
	local ws=ws://127.0.0.1:$port ws_consume ws_idle
	if [[ -z $WS_KIND ]]; then
		WS_KIND=$([[ $(bench probe --ws-url "$ws/ws/groups/bench-probe?topics=consume&autoOffsetReset=latest") == yes ]] \
			&& echo group || echo tail)
		sed -i "s/^idle\tidle\t[^\t]*/idle\tidle\t$IDLE_SOCKETS idle WebSocket $([[ $WS_KIND == group ]] && echo 'group members' || echo 'topic tails')/" "$ROWS"
	fi
	if [[ $WS_KIND == group ]]; then
		ws_consume="$ws/ws/groups/bench-consume?topics=consume&autoOffsetReset=earliest&credit=10000"
		ws_idle="$ws/ws/groups/bench-idle?topics=idle&autoOffsetReset=latest"
	else
		ws_consume="$ws/ws/topics/consume?from=earliest&credit=10000"
		ws_idle="$ws/ws/topics/idle?from=latest"
	fi
	log "caudal: WebSocket consumers use ${WS_KIND}s ($ws_consume)"
	measure caudal consume-ws "${BENCH_CMD[@]}" ws-consume --ws-url "$ws_consume" --expected "$CONSUME_RECORDS" --credit 10000 \
		--record-size 100 --timeout-ms 300000
	# A 200 stream (cut off by --max-time) means the server has the event stream; a 404 on this
	# existing topic, that the build has none: the row is skipped.
	if [[ -z $SSE_STATUS ]]; then
		SSE_STATUS=$("${CURL[@]}" --max-time 3 -o /dev/null -w '%{http_code}' -H 'Accept: text/event-stream' \
			"$CAUDAL/topics/consume/events?from=latest" || true)
	fi
	if [[ $SSE_STATUS == 200 ]]; then
		measure caudal consume-sse "${BENCH_CMD[@]}" sse-consume --sse-url "$CAUDAL/topics/consume/events?from=earliest" \
			--expected "$CONSUME_RECORDS" --record-size 100 --timeout-ms 300000
	else
		log "caudal: no Server-Sent Events row: GET /topics/consume/events answered $SSE_STATUS"
	fi

	for d in fsync nofsync; do
		caudal_topic "e2e-$d" 1 "$([[ $d == fsync ]] && echo 0 || echo 1000)"
		measure caudal "e2e-$d" "${BENCH_CMD[@]}" e2e --url "$CAUDAL" --topic "e2e-$d" --rate "$E2E_RATE" \
			--warmup-ms "$E2E_WARMUP_MS" --duration-ms "$E2E_MS" --record-size 100
	done

	caudal_topic idle 1 0
	idle_measure caudal "${BENCH_CMD[@]}" idle --ws-url "$ws_idle" --count "$IDLE_SOCKETS" --hold-ms "$HOLD_MS" \
		--stop-file "$WORK/idle.stop"
	log "Stopping Caudal"
	stop_server
}
caudal_topic() { # name partitions flush.ms
	local status
	status=$("${CURL[@]}" -o "$LOGS/topic.out" -w '%{http_code}' -XPOST "$CAUDAL/topics" \
		-H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"partitions\":$2,\"config\":{\"flush.ms\":$3}}")
	[[ $status == 201 ]] || { echo "Creating topic $1 answered $status: $(cat "$LOGS/topic.out")" >&2; exit 1; }
}

# ---------------------------------------------------------------------------------------------
# Kafka
# The topic config of a durability: with fsync, the broker flushes the log after every append,
# before it answers, as Caudal does at flush.ms 0; without, Kafka's default.
kafka_durability() { if [[ $1 == fsync ]]; then echo flush.messages=1; fi; }
kafka_round() {
	start_round kafka "$1"
	start_kafka "$WORK/kafka" "$LOGS"
	SERVER_PID=$KAFKA_PID

	if ((SERVER_WARMUP_S > 0)); then
		log "kafka: warm-up, about $((SERVER_WARMUP_S * 3 / 2)) s, not measured"
		kafka_topic warmup 1
		{
			kafka_gen kafka-produce --bootstrap "$BOOT" --topic warmup --producers 16 --batch 1 --record-size 100 \
				--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500))
			kafka_gen kafka-produce --bootstrap "$BOOT" --topic warmup --producers 4 --batch 100 --record-size 100 \
				--warmup-ms 0 --duration-ms $((SERVER_WARMUP_S * 500)) --max-records 1000000
			# Reads until nothing more comes for 2 s: the topic's end.
			kafka_tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" --topic warmup \
				--num-records 100000000 --group warmup --timeout 2000
		} >"$LOGS/kafka.warmup.log" 2>&1 || true
	fi

	# The produce rows use kafka-produce, not Kafka's ProducerPerformance in N threads of one JVM as
	# they did: that tool draws a new random value for every record, one random number per byte.
	# At 1 KiB, 16 copies of that loop kept the JIT compiler's thread off the 2 cores, and the loop
	# ran interpreted for most of the row (JFR: 85% of the tool's samples in it; its C2 compile came
	# 37 s into a 38 s run, the broker busy 6 s of them): "1 KiB, batch 100, 16 producers" measured
	# the load generator, 12,000-32,000 records/s where one producer gave 127,000.
	# kafka-produce sends ready-made values, as Caudal's producers send a ready-made body, in
	# Caudal's warm-up and window.
	local s b p d id
	for s in "${SIZES[@]}"; do for b in "${BATCHES[@]}"; do for p in "${PRODUCERS[@]}"; do
		for d in fsync nofsync; do
			id=produce-s$s-b$b-p$p-$d
			kafka_topic "$id" 1 $(kafka_durability "$d")
			measure kafka "$id" "${KAFKA_GEN_CMD[@]}" kafka-produce --bootstrap "$BOOT" --topic "$id" --producers "$p" \
				--batch "$b" --record-size "$s" --warmup-ms "$WARMUP_MS" --duration-ms "$ROW_MS" --max-records 100000000
		done
	done; done; done

	log "kafka: loading $CONSUME_RECORDS records to read back"
	kafka_topic consume "$CONSUME_PARTITIONS"
	kafka_gen kafka-produce --bootstrap "$BOOT" --topic consume --producers "$CONSUME_PARTITIONS" --batch 1000 \
		--record-size 100 --warmup-ms 0 --duration-ms 600000 --max-records "$CONSUME_RECORDS" >"$LOGS/kafka.load.log" 2>&1
	measure kafka consume "${KAFKA_TOOL[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
		--topic consume --num-records "$CONSUME_RECORDS" --group bench-consume --timeout 60000
	consumer_performance_result "$LOGS/kafka.consume.log" >>"$RES/kafka.consume"

	for d in fsync nofsync; do
		kafka_topic "e2e-$d" 1 $(kafka_durability "$d")
		measure kafka "e2e-$d" "${KAFKA_GEN_CMD[@]}" kafka-e2e --bootstrap "$BOOT" --topic "e2e-$d" --rate "$E2E_RATE" \
			--warmup-ms "$E2E_WARMUP_MS" --duration-ms "$E2E_MS" --record-size 100
	done

	kafka_topic idle 1
	idle_measure kafka java -Xmx2g "${KAFKA_LOG4J[@]}" -Dbench.log.level=WARN -Dbench.log.file="$LOGS/kafka-idle.log" \
		-cp "$KAFKA_CP" "$BENCH/kafka/IdleConsumers.java" --bootstrap "$BOOT" --topic idle --count "$IDLE_SOCKETS" \
		--hold-ms "$HOLD_MS" --stop-file "$WORK/idle.stop"
	log "Stopping Kafka"
	stop_server
	KAFKA_PID=
}
for round in $(seq 1 "$ROUNDS"); do
	caudal_round "$round"
	kafka_round "$round"
done

# The engine's own rate for the produce target: JMH's append of 100-record batches with fsync, alone on the machine.
log "JMH: the engine's append, batch 100, fsync (log: $WORK/logs/jmh-append.log)"
JMH_TIMES=$([[ $MODE == quick ]] && echo "-wi 1 -w 2s -i 1 -r 3s" || echo "-wi 1 -w 5s -i 3 -r 5s")
(cd "$ROOT" && ./mvnw -q -o -Pjmh test-compile exec:exec \
	"-Djmh.args=$JMH_TIMES -f 1 -p batchSize=100 -p fsync=true -rf json -rff $WORK/jmh-append.json \\.AppendBenchmark\\.append") \
	>"$WORK/logs/jmh-append.log" 2>&1 || log "JMH failed; the produce target is reported as n/a"

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
	echo "- Command: \`bench/run.sh$([[ $MODE == quick ]] && echo ' --quick') --rounds $ROUNDS$([[ $PROFILE == 1 ]] && echo ' --profile')\` ($(( ($(date +%s) - RUN_START) / 60 )) min)"
	echo
	bench report --dir "$WORK" --rounds "$ROUNDS" --ws-kind "$WS_KIND" --sse-status "$SSE_STATUS" --row-ms "$ROW_MS" \
		--warmup-ms "$WARMUP_MS" --e2e-rate "$E2E_RATE"
} >"$OUT"

if [[ $PROFILE == 1 && -f $WORK/caudal-r1.jfr ]]; then
	{
		echo
		echo "## Where Caudal's time goes (JFR of round 1, $(basename "$WORK/caudal-r1.jfr"))"
		while read -r id; do
			window=$(awk -v id="$id" '$1 == id {print $2, $3}' "$WORK/windows.caudal.r1.tsv")
			[[ -n $window ]] || continue
			read -r from to <<<"$window"
			echo
			echo "### $id"
			echo
			bench jfr --file "$WORK/caudal-r1.jfr" --from "$from" --to "$to" --top 12
		done <"$WORK/profile-rows.txt"
	} >>"$OUT"
fi
log "Results: $OUT"
cat "$OUT"
