#!/usr/bin/env bash
# The console under load: Caudal (files + H2) and Debian's headless Chromium on this machine; the
# page's live tail first takes in 10,000 records, then a producer feeds the topic at 5,000
# records/s. Reports Chromium's long tasks (PerformanceObserver) and how late an animation frame
# comes, in bench/results/<date>-<commit>-console.md.
#
#   bench/console.sh              30 s of feeding, 3 runs
#   bench/console.sh --quick      10 s, 1 run
#   bench/console.sh --no-build   use the jars already built
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
SECONDS_FED=30
RUNS=3
BUILD=1
while (($#)); do
	case "$1" in
		--quick) SECONDS_FED=10; RUNS=1 ;;
		--no-build) BUILD=0 ;;
		-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
		*) echo "Unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || { echo "Needs Debian's chromium and chromium-driver" >&2; exit 1; }

WORK=$BENCH/target/console-run
rm -rf "$WORK"
mkdir -p "$WORK/logs"
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ $BUILD == 1 ]]; then
	log "Building Caudal and the browser driver program (log: $WORK/logs/build.log)"
	maven -DskipTests package
	maven -f bench/console/pom.xml package
fi
CONSOLE_CP="$BENCH/console/target/classes:$(cat "$BENCH/console/target/console.classpath")"

PORT=$(free_port 18280)
URL=http://127.0.0.1:$PORT
CAUDAL_PID=
trap 'stop_process "$CAUDAL_PID"' EXIT
java -Xmx1g -jar "$CAUDAL_JAR" --server.address=127.0.0.1 --server.port="$PORT" \
	--caudal.data-dir="$WORK/data" >"$WORK/logs/caudal.log" 2>&1 &
CAUDAL_PID=$!
wait_for_caudal "$URL" "$CAUDAL_PID" "$WORK/logs/caudal.log"

: >"$WORK/results.txt"
for run in $(seq 1 "$RUNS"); do
	log "Run $run of $RUNS: 10,000 records kept, then 5,000 records/s for $SECONDS_FED s"
	java -Xmx512m -cp "$CONSOLE_CP" io.caudal.bench.console.ConsoleLongTasks --url "$URL" --rate 5000 \
		--seconds "$SECONDS_FED" --preload 10000 >"$WORK/logs/run-$run.log" 2>&1
	grep '^RESULT' "$WORK/logs/run-$run.log" | tail -1 | sed 's/^RESULT //' >>"$WORK/results.txt"
	log "  $(tail -1 "$WORK/results.txt")"
done

mkdir -p "$BENCH/results"
OUT=$BENCH/results/$(date +%Y-%m-%d)-$COMMIT-console$([[ $RUNS == 1 ]] && echo -quick || true).md
{
	echo "# The console's live tail under load — $(date '+%Y-%m-%d %H:%M %Z')"
	echo
	echo "- Commit: \`$COMMIT\`; Caudal \`-Xmx1g\`, files + H2; $(chromium --version 2>/dev/null | head -1), headless, 1280×1000"
	echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem/ {print $2}') GiB, $(java -version 2>&1 | sed -n 2p)"
	echo "- Load average at start and end: $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- Command: \`bench/console.sh$([[ $RUNS == 1 ]] && echo ' --quick')\`: the page keeps 10,000 records, then 5,000 records/s for $SECONDS_FED s"
	echo
	echo "| run | records/s fed | records the page received | long tasks | their total | longest | main thread in long tasks | frame delay p50 | p99 | max |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	n=0
	while read -r line; do
		n=$((n + 1))
		declare -A r=()
		for pair in $line; do r[${pair%%=*}]=${pair#*=}; done
		echo "| $n | ${r[producedPerSec]} | ${r[received]} | ${r[longTasks]} | ${r[longTaskMs]} ms | ${r[longTaskMaxMs]} ms | ${r[busyPct]}% | ${r[frameDelayP50Ms]} ms | ${r[frameDelayP99Ms]} ms | ${r[frameDelayMaxMs]} ms |"
		unset r
	done <"$WORK/results.txt"
} >"$OUT"
log "Results: $OUT"
cat "$OUT"
