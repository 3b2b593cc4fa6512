# What bench/run.sh and bench/cluster.sh share: the build, the load generators' and Kafka's tools'
# command lines, ports, and one Kafka 4.3.1 broker in KRaft combined mode. Sourced, not run: the
# script sets BENCH (this folder), ROOT (the repository) and WORK (its work folder, already made,
# with WORK/logs) first.

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$WORK/run.log" >&2; }

# After the options (MODE, BUILD, ROUNDS): the rounds, a fresh work folder, what the report's header
# needs (RUN_START, COMMIT, DIRTY, the load average at the start), then the build.
begin_run() {
	ROUNDS=${ROUNDS:-$([[ $MODE == quick ]] && echo 1 || echo 3)}
	[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a whole number of at least 1" >&2; exit 2; }
	rm -rf "$WORK"
	mkdir -p "$WORK/logs"
	RUN_START=$(date +%s)
	COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^?? bench/' && echo " + uncommitted changes" || true)
	cut -d' ' -f1-3 /proc/loadavg >"$WORK/loadavg.start"
	if [[ $BUILD == 1 ]]; then build_all; fi
	require_built
}

# ---------------------------------------------------------------------------------------------
# Build: Caudal's jar, the load generators, Kafka's classpath (Maven Central only).
maven() { # offline first (nothing to fetch on a warm machine), then online
	(cd "$ROOT" && ./mvnw -q -o "$@") >>"$WORK/logs/build.log" 2>&1 || (cd "$ROOT" && ./mvnw -q "$@") >>"$WORK/logs/build.log" 2>&1
}
CAUDAL_JAR=${CAUDAL_JAR:-$ROOT/target/caudal-0.1.0-SNAPSHOT.jar}
build_all() {
	log "Building Caudal, the load generators and Kafka's classpath (log: $WORK/logs/build.log)"
	maven -DskipTests package
	maven -f bench/pom.xml package
	maven -f bench/kafka/pom.xml generate-resources
}
require_built() {
	local f
	for f in "$CAUDAL_JAR" "$BENCH/target/caudal-bench-0.1.0-SNAPSHOT.jar" "$BENCH/kafka/target/kafka.classpath"; do
		[[ -f $f ]] || { echo "Missing $f: run without --no-build" >&2; exit 1; }
	done
	BENCH_CP="$BENCH/target/caudal-bench-0.1.0-SNAPSHOT.jar:$(cat "$BENCH/target/bench.classpath")"
	KAFKA_CP=$(cat "$BENCH/kafka/target/kafka.classpath")
	# Both sides' load generators: the same JVM options; Kafka's with the broker's classpath (its
	# client) and its log configuration.
	BENCH_CMD=(java "${GEN_JVM[@]}" -cp "$BENCH_CP" io.caudal.bench.Bench)
	KAFKA_GEN_CMD=(java "${GEN_JVM[@]}" "${KAFKA_LOG4J[@]}" -Dbench.log.level=WARN
		-Dbench.log.file="$WORK/logs/kafka-clients.log" -cp "$BENCH_CP:$KAFKA_CP" io.caudal.bench.Bench)
	KAFKA_TOOL=(java "${TOOL_JVM[@]}" -cp "$KAFKA_CP")
}
KAFKA_LOG4J=(-Dlog4j2.configurationFile="$BENCH/kafka/log4j2.properties")
GEN_JVM=(-Xmx512m -XX:+UseParallelGC)
TOOL_JVM=(-Xmx512m "${KAFKA_LOG4J[@]}" -Dbench.log.level=WARN -Dbench.log.file="$WORK/logs/kafka-tools.log")
bench() { "${BENCH_CMD[@]}" "$@"; }
kafka_gen() { "${KAFKA_GEN_CMD[@]}" "$@"; }
kafka_tool() { "${KAFKA_TOOL[@]}" "$@"; }

# ---------------------------------------------------------------------------------------------
# Processes
free_port() { # the first port from $1 on that nothing listens on
	local port=$1
	while ss -ltn "sport = :$port" | grep -q LISTEN; do port=$((port + 1)); done
	echo "$port"
}
stop_process() { # SIGTERM, up to 30 s to exit, then SIGKILL
	local pid=$1
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}
CURL=(curl -s --max-time 30)
wait_for_caudal() { # url pid log: up to 90 s for its health endpoint to answer 2xx
	local url=$1 pid=$2 out=$3
	for _ in $(seq 1 180); do
		"${CURL[@]}" -f "$url/actuator/health" >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || { echo "Caudal did not start; see $out" >&2; exit 1; }
		sleep 0.5
	done
}

# ---------------------------------------------------------------------------------------------
# Kafka: one broker, KRaft combined mode, replication factor 1 for its internal topics, JVM
# options of Kafka's own start scripts.
KAFKA_PID=
BOOT=
start_kafka() { # dir logs: formats a fresh broker in dir, starts it; sets KAFKA_PID and BOOT
	local kdir=$1 logs=$2 port controller
	port=$(free_port 19092)
	controller=$(free_port $((port + 1)))
	rm -rf "$kdir"
	mkdir -p "$kdir/data"
	cat >"$kdir/server.properties" <<-EOF
		process.roles=broker,controller
		node.id=1
		controller.quorum.bootstrap.servers=127.0.0.1:$controller
		listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
		advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
		controller.listener.names=CONTROLLER
		inter.broker.listener.name=PLAINTEXT
		listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
		log.dirs=$kdir/data
		num.partitions=1
		offsets.topic.replication.factor=1
		transaction.state.log.replication.factor=1
		transaction.state.log.min.isr=1
		share.coordinator.state.topic.replication.factor=1
		share.coordinator.state.topic.min.isr=1
		group.initial.rebalance.delay.ms=0
	EOF
	log "Formatting Kafka's storage and starting the broker on 127.0.0.1:$port"
	local cluster_id
	cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid)
	kafka_tool kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$kdir/server.properties" \
		>"$logs/kafka-format.log" 2>&1
	java -Xms1g -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
		-XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "${KAFKA_LOG4J[@]}" \
		-Dbench.log.file="$logs/kafka-server.log" -cp "$KAFKA_CP" kafka.Kafka "$kdir/server.properties" \
		>"$logs/kafka-server.out" 2>&1 &
	KAFKA_PID=$!
	for _ in $(seq 1 180); do
		grep -q 'Kafka Server started' "$logs/kafka-server.log" 2>/dev/null && break
		kill -0 "$KAFKA_PID" 2>/dev/null || { echo "Kafka did not start; see $logs/kafka-server.log" >&2; exit 1; }
		sleep 0.5
	done
	BOOT=127.0.0.1:$port
}
kafka_topic() { # name partitions [topic config key=value]...; its output goes to $LOGS/kafka-topics.log
	local name=$1 partitions=$2 config=() c
	shift 2
	for c in "$@"; do config+=(--config "$c"); done
	kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOT" --create --topic "$name" \
		--partitions "$partitions" --replication-factor 1 "${config[@]}" >>"$LOGS/kafka-topics.log" 2>&1
}
consumer_performance_result() { # log: ConsumerPerformance's numbers as key=value lines, fetch rate after the group join
	# start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
	awk -F', ' 'NF >= 10 && $5 ~ /^[0-9]+$/ { printf "records=%d\nrecordsPerSec=%.1f\nmibPerSec=%.2f\nrebalanceMs=%d\nfetchMs=%d\n",
		$5, $10, $9, $7, $8 }' "$1" | tail -5
}
