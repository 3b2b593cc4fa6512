package io.caudal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns run.sh's work directory (rows.tsv, and one key=value file per round, side and row under
 * res/r{round}/) into the results table and the targets, as markdown on standard output:
 * every number is the median of the rounds that measured it. Writes the Caudal rows that fall
 * shortest of a target to profile-rows.txt, worst first.
 */
final class Report {

	private static final Map<String, String> DURABILITY = Map.of("fsync",
			"fsync before ack: Caudal `flush.ms` 0 (its default), Kafka `flush.messages=1`", "nofsync",
			"ack after write: Caudal `flush.ms` 1000 (fsync within 1 s), Kafka's default (no fsync: the OS writes "
					+ "back)",
			"read", "—", "none", "—");

	private final Path dir;

	private final int rounds;

	private final Map<String, Runs> cache = new HashMap<>();

	private Report(Path dir, int rounds) {
		this.dir = dir;
		this.rounds = rounds;
	}

	/**
	 * A line of rows.tsv. {@code kafkaId} is the Kafka row with the same durability;
	 * {@code defaultKafkaId} the one with Kafka's default durability when that is another row, else
	 * {@code -}.
	 */
	record Row(String id, String kind, String label, String durability, String kafkaId, String defaultKafkaId) {

		boolean hasDefaultKafka() {
			return !this.defaultKafkaId.equals("-");
		}

	}

	/** One side's results for one row, a key=value map per round (empty if the round has none). */
	record Runs(List<Map<String, String>> rounds) {

		/** The median of the rounds' numbers for {@code key}, leaving out rounds without; NaN if none has one. */
		double median(String key) {
			List<Double> values = numbers(key);
			if (values.isEmpty()) {
				return Double.NaN;
			}
			int middle = values.size() / 2;
			return (values.size() % 2 == 1) ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
		}

		/** {@code " (low–high)"} of {@code key} over the rounds, when more than one has it. */
		String range(String key, String format) {
			List<Double> values = numbers(key);
			if (values.size() < 2) {
				return "";
			}
			return " (" + String.format(format, values.get(0)) + "–" + String.format(format, values.get(values.size() - 1))
					+ ")";
		}

		/** Each round's value of {@code key}, in round order, "—" for a round without. */
		String each(String key) {
			return this.rounds.stream().map(r -> r.getOrDefault(key, "—")).collect(Collectors.joining(", "));
		}

		private List<Double> numbers(String key) {
			return this.rounds.stream()
				.map(r -> parse(r.get(key)))
				.filter(Objects::nonNull)
				.sorted()
				.toList();
		}

		private static Double parse(String value) {
			try {
				return (value != null) ? Double.valueOf(value) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	record Target(String category, String name, String caudalRow, double measured, double goal, boolean higherIsBetter,
			String text) {

		boolean met() {
			return this.higherIsBetter ? this.measured >= this.goal : this.measured <= this.goal;
		}

		/** How far from the goal, 1 meaning on it and lower meaning worse. */
		double attainment() {
			if (Double.isNaN(this.measured)) {
				return 0;
			}
			return this.higherIsBetter ? this.measured / this.goal : this.goal / Math.max(this.measured, 1e-9);
		}

	}

	static void run(Options options) throws IOException {
		new Report(Path.of(options.string("dir")), options.integer("rounds", 1)).print(options);
	}

	private void print(Options options) throws IOException {
		List<Row> rows = new ArrayList<>();
		for (String line : Files.readAllLines(this.dir.resolve("rows.tsv"))) {
			String[] f = line.split("\t");
			rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5]));
		}
		String wsKind = options.string("ws-kind", "tail");
		String sseStatus = options.string("sse-status", "200");
		System.out.println(((this.rounds == 1) ? "One round: each number is from a single run. "
				: this.rounds + " rounds, Caudal then Kafka in each: each number is the median of the " + this.rounds
						+ " runs (of those that have it), (low–high) their spread, and the load averages are those of each run "
						+ "in turn. ")
				+ "Throughput rows: a warm-up of " + options.string("warmup-ms") + " ms, then " + options.string("row-ms")
				+ " ms measured, the same on both sides. Records are unkeyed, values of random capital letters "
				+ "(Caudal: a JSON string of exactly that many bytes), one partition for produce. Each producer has one "
				+ "request in flight holding `batch` records and sends the next as soon as it is acknowledged: "
				+ "Caudal one HTTP request at a time; Kafka a KafkaProducer per thread with "
				+ "`max.in.flight.requests.per.connection=1`, `batch.size` exactly `batch` records, room for the next "
				+ "batch while one is in flight, `acks=all`. Latency is per batch: Caudal per HTTP request; Kafka from a "
				+ "batch's first send() to its last record's acknowledgement, so it includes the wait behind the batch "
				+ "in flight. "
				+ "Consume: Caudal HTTP fetch reads the partitions with one reader each (`maxRecords` 10000); "
				+ "the WebSocket row is " + (wsKind.equals("group") ? "one `/ws/groups/{group}` member"
						: "one `/ws/topics/{topic}` tail (no `/ws/groups` endpoint in this build)")
				+ " with 10000 records of credit; the Server-Sent Events row one `/topics/{topic}/events` stream; the "
				+ "clients count records and bytes and build nothing per record; Kafka is ConsumerPerformance (fetch "
				+ "rate after the group join). End-to-end: both sides send one record at a time at "
				+ options.string("e2e-rate") + " records/s on a fixed schedule (open loop, latency from each record's "
				+ "due time) and time it until a reader has it: Caudal a `/ws/topics` tail, Kafka a KafkaConsumer "
				+ "(`acks=all`, `linger.ms=0`). Idle: Caudal " + (wsKind.equals("group")
						? "group-member sockets" : "`/ws/topics` tail sockets")
				+ "; Kafka 1,000 KafkaConsumers assigned to a partition at its end, each polling as an idle consumer "
				+ "does. Heap is live objects after a full GC (class histogram); CPU is % of one core over the window, "
				+ "after the sockets settled, of every server thread but the JIT compilers' (opening 1,000 sockets "
				+ "compiles new code for a minute or more). "
				+ "Peak RSS is the server's, sampled every 200 ms during the row. Load avg is the machine's 1-minute "
				+ "load average at the end of the row (2 cores: above 2 means something waited for a core).");
		System.out.println();
		System.out.println("| workload | durability | Caudal | Kafka | Caudal / Kafka | Caudal p50 / p99 / p99.9 ms "
				+ "| Kafka p50 / p99 / p99.9 ms | peak RSS MiB Caudal / Kafka | load avg Caudal / Kafka |");
		System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Row row : rows) {
			Runs c = runs("caudal", row.id());
			Runs k = runs("kafka", row.kafkaId());
			Runs d = row.hasDefaultKafka() ? runs("kafka", row.defaultKafkaId()) : k;
			String caudal;
			String kafka;
			String ratio;
			switch (row.kind()) {
				case "e2e" -> {
					caudal = endToEnd(c);
					kafka = endToEnd(k);
					ratio = "p99 " + ratio(c.median("p99Ms"), k.median("p99Ms"));
					if (row.hasDefaultKafka()) {
						ratio += "; vs default Kafka " + ratio(c.median("p99Ms"), d.median("p99Ms"));
					}
				}
				case "idle" -> {
					caudal = idle(c);
					kafka = idle(k);
					ratio = "heap " + ratio(c.median("heapWithSocketsMiB") - c.median("heapBeforeMiB"),
							k.median("heapWithSocketsMiB") - k.median("heapBeforeMiB"));
				}
				default -> {
					caudal = (row.id().equals("consume-sse") && !sseStatus.equals("200"))
							? "skipped: `GET /topics/{topic}/events` answered " + sseStatus + " (no SSE endpoint in this build)"
							: throughput(c);
					kafka = throughput(k);
					ratio = ratio(c.median("recordsPerSec"), k.median("recordsPerSec"));
					if (row.hasDefaultKafka()) {
						ratio += "; vs default Kafka " + ratio(c.median("recordsPerSec"), d.median("recordsPerSec"));
					}
				}
			}
			System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n", row.label(),
					DURABILITY.getOrDefault(row.durability(), row.durability()), caudal, kafka, ratio,
					latencies(c, row.kind()), latencies(k, row.kind()), fmt(c.median("peakRssMiB")),
					fmt(k.median("peakRssMiB")), c.each("load1"), k.each("load1"));
		}
		List<Target> targets = targets(rows, jmhAppendFsync(this.dir.resolve("jmh-append.json")));
		System.out.println();
		System.out.println("## Targets of issue 9");
		System.out.println();
		System.out.println("Consume over Server-Sent Events has no target; its row above reports it. Allocation per "
				+ "consumed record is measured by JMH (`FetchBenchmark`), outside this run.");
		System.out.println();
		System.out.println("| target | measured | met |");
		System.out.println("|---|---|---|");
		for (Target target : targets) {
			System.out.printf("| %s | %s | %s |%n", target.name(), target.text(), target.met() ? "yes" : "**no**");
		}
		// The worst row of each target that is not met (a CPU profile says nothing of idle sockets'
		// heap: the class histogram in the logs does), worst first; else the closest call.
		Map<String, Target> worst = new HashMap<>();
		for (Target target : targets) {
			if (!target.category().startsWith("idle")) {
				worst.merge(target.category(), target,
						(a, b) -> (a.attainment() <= b.attainment()) ? a : b);
			}
		}
		List<Target> candidates = worst.values()
			.stream()
			.sorted(Comparator.comparingDouble(Target::attainment))
			.toList();
		List<String> profile = candidates.stream().filter(t -> !t.met()).map(Target::caudalRow).distinct().toList();
		if (profile.isEmpty()) {
			profile = candidates.stream().map(Target::caudalRow).limit(1).toList();
		}
		Files.write(this.dir.resolve("profile-rows.txt"), profile);
	}

	private List<Target> targets(List<Row> rows, double jmhAppendFsync) throws IOException {
		List<Target> targets = new ArrayList<>();
		for (String id : List.of("consume-http", "consume-ws")) {
			double goal = id.endsWith("http") ? 1.0 : 0.7;
			double r = runs("caudal", id).median("recordsPerSec") / runs("kafka", "consume").median("recordsPerSec");
			targets.add(new Target(id, "Consume over " + (id.endsWith("http") ? "HTTP fetch" : "a WebSocket group member")
					+ " ≥ " + goal + "× Kafka", id, r, goal, true, ratio(r, 1) + "× Kafka's records/s"));
		}
		String produce = "produce-s100-b100-p1";
		double fsyncRate = runs("caudal", produce + "-fsync").median("recordsPerSec");
		double overEngine = fsyncRate / jmhAppendFsync;
		targets.add(new Target("produce-fsync", "Produce 100 B, batch 100, 1 producer, fsync ≥ 0.8× the engine's JMH "
				+ "append with fsync", produce + "-fsync", overEngine, 0.8, true,
				String.format("%,.0f rec/s over HTTP vs %,.0f rec/s in JMH: %s×", fsyncRate, jmhAppendFsync,
						ratio(overEngine, 1))));
		double flushed = runs("caudal", produce + "-nofsync").median("recordsPerSec")
				/ runs("kafka", produce + "-nofsync").median("recordsPerSec");
		targets.add(new Target("produce-flush", "The same with `flush.ms` 1000 ≥ 0.5× Kafka (its default durability)",
				produce + "-nofsync", flushed, 0.5, true, ratio(flushed, 1) + "× Kafka's records/s"));
		double p99 = runs("caudal", "e2e-nofsync").median("p99Ms");
		targets.add(new Target("e2e", "Produce → WebSocket p99 with `flush.ms` 1000 ≤ 2.5 ms", "e2e-nofsync", p99, 2.5,
				false, String.format("%s ms (Kafka %s ms); with fsync before ack %s ms (Kafka with `flush.messages=1` "
						+ "%s ms)", fmt(p99), fmt(runs("kafka", "e2e-nofsync").median("p99Ms")),
						fmt(runs("caudal", "e2e-fsync").median("p99Ms")), fmt(runs("kafka", "e2e-fsync").median("p99Ms")))));
		Runs idle = runs("caudal", "idle");
		double cpu = idle.median("cpuIdlePct") - idle.median("cpuBaselinePct");
		targets.add(new Target("idle-cpu", "1,000 idle sockets ≤ 1% of a core over baseline", "idle", cpu, 1.0,
				false, String.format("%s%% of a core (baseline %s%%)", fmt(idle.median("cpuIdlePct")),
						fmt(idle.median("cpuBaselinePct")))));
		return targets;
	}

	/** Records/s of the engine's JMH append of 100-record batches with fsync, from JMH's JSON result. */
	private static double jmhAppendFsync(Path json) throws IOException {
		if (!Files.exists(json)) {
			return Double.NaN;
		}
		Matcher score = Pattern.compile("\"primaryMetric\"\\s*:\\s*\\{\\s*\"score\"\\s*:\\s*([0-9.Ee+-]+)")
			.matcher(Files.readString(json));
		return score.find() ? Double.parseDouble(score.group(1)) * 100 : Double.NaN;
	}

	private static String idle(Runs r) {
		return String.format("%s open; live heap %s → %s MiB; CPU %s%% (baseline %s%%)", fmt(r.median("opened")),
				fmt(r.median("heapBeforeMiB")), fmt(r.median("heapWithSocketsMiB")), fmt(r.median("cpuIdlePct")),
				fmt(r.median("cpuBaselinePct")));
	}

	private static String throughput(Runs r) {
		double rate = r.median("recordsPerSec");
		if (Double.isNaN(rate)) {
			return "failed";
		}
		return String.format("%,.0f rec/s%s, %s MiB/s", rate, r.range("recordsPerSec", "%,.0f"), fmt(r.median("mibPerSec")));
	}

	private static String endToEnd(Runs r) {
		if (Double.isNaN(r.median("p99Ms"))) {
			return "failed";
		}
		return String.format("p99 %s ms%s; %s of %s received", fmt(r.median("p99Ms")), r.range("p99Ms", "%.2f"),
				fmt(r.median("received")), fmt(r.median("sent")));
	}

	private static String latencies(Runs r, String kind) {
		if (kind.equals("idle") || kind.equals("consume") && Double.isNaN(r.median("p99Ms"))) {
			return "—";
		}
		return fmt(r.median("p50Ms")) + " / " + fmt(r.median("p99Ms")) + " / " + fmt(r.median("p999Ms"));
	}

	private static String ratio(double caudal, double kafka) {
		if (Double.isNaN(caudal) || Double.isNaN(kafka) || kafka == 0) {
			return "—";
		}
		return String.format("%.2f", caudal / kafka);
	}


	private static String fmt(double value) {
		if (Double.isNaN(value)) {
			return "—";
		}
		return (value == Math.rint(value) && value < 1e6) ? String.format("%.0f", value) : String.format("%.2f", value);
	}

	/** The results of {@code side}'s row {@code id} in each round; empty for a round without. */
	private Runs runs(String side, String id) throws IOException {
		Runs cached = this.cache.get(side + "." + id);
		if (cached != null) {
			return cached;
		}
		List<Map<String, String>> results = new ArrayList<>();
		for (int round = 1; round <= this.rounds; round++) {
			Path file = this.dir.resolve("res").resolve("r" + round).resolve(side + "." + id);
			Map<String, String> values = new HashMap<>();
			if (Files.exists(file)) {
				for (String line : Files.readAllLines(file)) {
					int eq = line.indexOf('=');
					if (eq > 0) {
						values.put(line.substring(0, eq), line.substring(eq + 1));
					}
				}
			}
			results.add(values);
		}
		Runs runs = new Runs(results);
		this.cache.put(side + "." + id, runs);
		return runs;
	}

}
