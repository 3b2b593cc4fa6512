package io.caudal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns run.sh's work directory (rows.tsv and one key=value file per side and row under res/)
 * into the results table and the targets, as markdown on standard output; writes the
 * Caudal rows that fall shortest of a target to profile-rows.txt, worst first.
 */
final class Report {

	private static final Map<String, String> DURABILITY = Map.of("fsync", "fsync before ack (flush.ms 0, default)",
			"flush1s", "ack after write, fsync ≤ 1 s (flush.ms 1000)", "read", "—", "none", "—");

	private static final String KAFKA_DURABILITY = "acks=all, 1 replica: ack after write to the page cache, no fsync "
			+ "(Kafka's default: log.flush.interval.* unset)";

	private final Path dir;

	private final Map<String, Map<String, String>> cache = new HashMap<>();

	private Report(Path dir) {
		this.dir = dir;
	}

	record Row(String id, String kind, String label, String durability, String kafkaId) {
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
		new Report(Path.of(options.string("dir"))).print(options);
	}

	private void print(Options options) throws IOException {
		List<Row> rows = new ArrayList<>();
		for (String line : Files.readAllLines(this.dir.resolve("rows.tsv"))) {
			String[] f = line.split("\t");
			rows.add(new Row(f[0], f[1], f[2], f[3], f[4]));
		}
		String wsKind = options.string("ws-kind", "tail");
		System.out.println("Throughput rows: a warm-up of " + options.string("warmup-ms") + " ms, then "
				+ options.string("row-ms") + " ms measured (Kafka: a fixed record count, a fifth of it warm-up). "
				+ "Records are unkeyed, values of random capital letters (Caudal: a JSON string of exactly that many "
				+ "bytes), one partition for produce. Each producer has one request in flight holding `batch` records "
				+ "(Kafka: `max.in.flight.requests.per.connection=1`, `batch.size` sized for that many records, "
				+ "ProducerPerformance run in N threads of one JVM). Latency columns: Caudal per HTTP request, Kafka "
				+ "ProducerPerformance's per-record send→ack (whole ms; for 16 producers the mean of theirs). "
				+ "Consume: Caudal HTTP fetch reads the partitions with one reader each (`maxRecords` 10000); "
				+ "the WebSocket row is " + (wsKind.equals("group") ? "one `/ws/groups/{group}` member"
						: "one `/ws/topics/{topic}` tail (no `/ws/groups` endpoint in this build)")
				+ " with 10000 records of credit; Kafka is ConsumerPerformance (fetch rate after the group join). "
				+ "End-to-end: Caudal produces one record per request at " + options.string("e2e-rate")
				+ " records/s (open loop) to a `/ws/topics` tail; Kafka's EndToEndLatency is closed loop (one record "
				+ "in flight) and reports whole milliseconds, rounded down. Idle: Caudal " + (wsKind.equals("group")
						? "group-member sockets" : "`/ws/topics` tail sockets")
				+ "; Kafka 1,000 KafkaConsumers assigned to a partition at its end, each polling as an idle consumer "
				+ "does. Heap is live objects after a full GC (class histogram); CPU is % of one core over the window. "
				+ "Peak RSS is the server's, sampled every 200 ms during the row. Load avg is the machine's 1-minute "
				+ "load average at the end of the row (2 cores: above 2 means something waited for a core).");
		System.out.println();
		System.out.println("Kafka's durability in every row: " + KAFKA_DURABILITY + ".");
		System.out.println();
		System.out.println("| workload | Caudal durability | Caudal | Kafka | Caudal / Kafka | Caudal p50 / p99 / p99.9 ms "
				+ "| Kafka p50 / p99 / p99.9 ms | peak RSS MiB Caudal / Kafka | load avg Caudal / Kafka |");
		System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Row row : rows) {
			Map<String, String> c = result("caudal", row.id());
			Map<String, String> k = result("kafka", row.kafkaId());
			String caudal;
			String kafka;
			String ratio;
			switch (row.kind()) {
				case "e2e" -> {
					caudal = get(c, "rate") + " rec/s offered, " + get(c, "received") + " received";
					kafka = "closed loop, avg " + get(k, "avgMs") + " ms";
					ratio = "p99 " + ratio(num(c, "p99Ms"), num(k, "p99Ms"));
				}
				case "idle" -> {
					caudal = idle(c);
					kafka = idle(k);
					ratio = "heap " + ratio(num(c, "heapWithSocketsMiB") - num(c, "heapBeforeMiB"),
							num(k, "heapWithSocketsMiB") - num(k, "heapBeforeMiB"));
				}
				default -> {
					caudal = throughput(c);
					kafka = throughput(k);
					ratio = ratio(num(c, "recordsPerSec"), num(k, "recordsPerSec"));
				}
			}
			System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n", row.label(),
					DURABILITY.getOrDefault(row.durability(), row.durability()), caudal, kafka, ratio,
					latencies(c, row.kind()), latencies(k, row.kind()), get(c, "peakRssMiB"), get(k, "peakRssMiB"),
					get(c, "load1"), get(k, "load1"));
		}
		List<Target> targets = targets(rows);
		System.out.println();
		System.out.println("## Targets of issue 6");
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

	private List<Target> targets(List<Row> rows) throws IOException {
		List<Target> targets = new ArrayList<>();
		for (Row row : rows) {
			if (row.kind().equals("produce") && row.durability().equals("fsync") && !row.id().contains("-b1-")) {
				double r = num(result("caudal", row.id()), "recordsPerSec")
						/ num(result("kafka", row.kafkaId()), "recordsPerSec");
				targets.add(new Target("batched", "HTTP batched produce with fsync ≥ 50% of Kafka: " + row.label(), row.id(), r, 0.5,
						true, percent(r) + " of Kafka"));
			}
		}
		for (Row row : rows) {
			if (row.kind().equals("produce") && row.durability().equals("fsync") && row.id().endsWith("-p16-fsync")) {
				String nofsync = row.id().replace("-fsync", "-nofsync");
				double r = num(result("caudal", row.id()), "recordsPerSec")
						/ num(result("caudal", nofsync), "recordsPerSec");
				targets.add(new Target("group-commit", "16 producers with fsync ≥ 80% of without: " + row.label(), row.id(), r, 0.8, true,
						percent(r) + " of the same load without fsync"));
			}
		}
		for (String id : List.of("consume-http", "consume-ws")) {
			double r = num(result("caudal", id), "recordsPerSec") / num(result("kafka", "consume"), "recordsPerSec");
			targets.add(new Target(id, "Consume over " + (id.endsWith("http") ? "HTTP fetch" : "WebSocket") + " ≥ Kafka",
					id, r, 1.0, true, percent(r) + " of Kafka's records/s"));
		}
		for (String id : List.of("e2e-fsync", "e2e-nofsync")) {
			double caudal = num(result("caudal", id), "p99Ms");
			double kafka = num(result("kafka", "e2e"), "p99Ms");
			// Kafka's tool rounds down to whole ms: its p99 N means somewhere in [N, N+1).
			targets.add(new Target("e2e", "Produce → WebSocket p99 ≤ Kafka's end-to-end p99 ("
					+ (id.endsWith("-fsync") ? "Caudal fsync" : "Caudal flush.ms 1000") + ")", id, caudal, kafka + 1, false,
					String.format("%.2f ms vs Kafka %s ms (whole ms, so < %.0f ms)", caudal, fmt(kafka), kafka + 1)));
		}
		Map<String, String> idle = result("caudal", "idle");
		double heap = num(idle, "heapWithSocketsMiB") - num(idle, "heapBeforeMiB");
		double cpu = num(idle, "cpuIdlePct") - num(idle, "cpuBaselinePct");
		targets.add(new Target("idle-heap", "1,000 idle sockets < 100 MiB of heap", "idle", heap, 100, false,
				String.format("+%.1f MiB live heap (%s → %s MiB)", heap, get(idle, "heapBeforeMiB"),
						get(idle, "heapWithSocketsMiB"))));
		targets.add(new Target("idle-cpu", "1,000 idle sockets: no measurable CPU (≤ 1% of a core over baseline)", "idle", cpu, 1.0,
				false, String.format("%s%% of a core (baseline %s%%)", get(idle, "cpuIdlePct"),
						get(idle, "cpuBaselinePct"))));
		return targets;
	}

	private static String idle(Map<String, String> r) {
		return String.format("%s open; live heap %s → %s MiB; CPU %s%% (baseline %s%%)", get(r, "opened"),
				get(r, "heapBeforeMiB"), get(r, "heapWithSocketsMiB"), get(r, "cpuIdlePct"), get(r, "cpuBaselinePct"));
	}

	private static String throughput(Map<String, String> r) {
		double rate = num(r, "recordsPerSec");
		if (Double.isNaN(rate)) {
			return "failed";
		}
		return String.format("%,.0f rec/s, %s MiB/s", rate, get(r, "mibPerSec"));
	}

	private static String latencies(Map<String, String> r, String kind) {
		if (kind.equals("idle") || kind.equals("consume") && !r.containsKey("p99Ms")) {
			return "—";
		}
		return fmt(num(r, "p50Ms")) + " / " + fmt(num(r, "p99Ms")) + " / " + fmt(num(r, "p999Ms"));
	}

	private static String ratio(double caudal, double kafka) {
		if (Double.isNaN(caudal) || Double.isNaN(kafka) || kafka == 0) {
			return "—";
		}
		return String.format("%.2f", caudal / kafka);
	}

	private static String percent(double ratio) {
		return Double.isNaN(ratio) ? "n/a" : String.format("%.0f%%", 100 * ratio);
	}

	private static String fmt(double value) {
		if (Double.isNaN(value)) {
			return "—";
		}
		return (value == Math.rint(value) && value < 1e6) ? String.format("%.0f", value) : String.format("%.2f", value);
	}

	private static String get(Map<String, String> r, String key) {
		return r.getOrDefault(key, "—");
	}

	private static double num(Map<String, String> r, String key) {
		try {
			return Double.parseDouble(r.get(key));
		}
		catch (RuntimeException ex) {
			return Double.NaN;
		}
	}

	private Map<String, String> result(String side, String id) throws IOException {
		Map<String, String> cached = this.cache.get(side + "." + id);
		if (cached != null) {
			return cached;
		}
		Map<String, String> values = new HashMap<>();
		Path file = this.dir.resolve("res").resolve(side + "." + id);
		if (Files.exists(file)) {
			for (String line : Files.readAllLines(file)) {
				int eq = line.indexOf('=');
				if (eq > 0) {
					values.put(line.substring(0, eq), line.substring(eq + 1));
				}
			}
		}
		this.cache.put(side + "." + id, values);
		return values;
	}

}
