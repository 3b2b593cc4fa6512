package io.caudal.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

/** The soak's checks, once the load has stopped: the log as stored against what the clients saw. */
final class SoakCheck {

	private static final long DRAIN_TIMEOUT_MS = 180_000;

	private final TestHttp http;

	private final Ledger ledger;

	SoakCheck(TestHttp http, Ledger ledger) {
		this.http = http;
		this.ledger = ledger;
	}

	/** The counts; every one but the last three must be zero. */
	record Report(long acknowledged, long lost, long duplicated, long reordered, long skipped, long doubleOwned,
			long refused, long stored, long redelivered, long retries, long ownerships) {

		boolean clean() {
			return this.lost + this.duplicated + this.reordered + this.skipped + this.doubleOwned + this.refused == 0;
		}

		@Override
		public String toString() {
			return String.format("soak: acknowledged %d, lost %d, duplicated %d, reordered %d, skipped %d, "
					+ "double-owned %d, refused %d (stored %d, redelivered to the group %d, produce retries %d, "
					+ "partition ownerships ended %d)", this.acknowledged, this.lost, this.duplicated, this.reordered,
					this.skipped, this.doubleOwned, this.refused, this.stored, this.redelivered, this.retries,
					this.ownerships);
		}

	}

	/** A stored record: its partition, offset and value. */
	private record Stored(int partition, long offset, String value) {
	}

	/** Waits until the group has committed every partition up to its end. */
	void awaitDrained() {
		long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
		while (System.currentTimeMillis() < deadline) {
			JsonNode group = this.http.get("/groups/soak").json();
			boolean drained = group.get("offsets").size() == Soak.PARTITIONS;
			for (JsonNode offset : group.get("offsets")) {
				drained &= !offset.get("committedOffset").isNull()
						&& offset.get("committedOffset").asLong() == offset.get("endOffset").asLong();
			}
			if (drained) {
				return;
			}
			Soak.pause(500);
		}
		System.out.println("soak: the group did not drain within " + DRAIN_TIMEOUT_MS + " ms: "
				+ this.http.get("/groups/soak").text());
	}

	Report report(long refused, long retries) {
		List<Stored> log = readLog();
		Map<String, List<Stored>> byValue = new HashMap<>();
		Map<String, List<Stored>> byKey = new HashMap<>();
		long skipped = 0;
		for (Stored record : log) {
			byValue.computeIfAbsent(record.value(), v -> new ArrayList<>()).add(record);
			byKey.computeIfAbsent(SoakProducer.keyOf(record.value()), k -> new ArrayList<>()).add(record);
			if (!this.ledger.wasProcessed(record.partition(), record.offset())) {
				skipped++;
			}
		}
		Map<String, Long> acknowledged = this.ledger.acknowledgedOffsets();
		long lost = 0;
		for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
			List<Stored> copies = byValue.getOrDefault(ack.getKey(), List.of());
			int partition = this.ledger.acknowledgedPartition(ack.getKey());
			if (copies.stream().noneMatch(copy -> copy.partition() == partition && copy.offset() == ack.getValue())) {
				lost++;
			}
		}
		long duplicated = byValue.values().stream().mapToLong(copies -> copies.size() - 1).sum();
		long reordered = 0;
		for (List<Stored> records : byKey.values()) {
			for (int i = 1; i < records.size(); i++) {
				Stored before = records.get(i - 1);
				Stored after = records.get(i);
				if (after.partition() != before.partition()
						|| SoakProducer.sequenceOf(after.value()) <= SoakProducer.sequenceOf(before.value())) {
					reordered++;
				}
			}
		}
		return new Report(acknowledged.size(), lost, duplicated, reordered, skipped, doubleOwned(), refused,
				log.size(), this.ledger.redeliveries(), retries, this.ledger.ownerships().size());
	}

	/**
	 * Pairs of beliefs of two members in one partition that overlap in time, plus records a member was given from a
	 * partition its answer did not assign to it.
	 */
	private long doubleOwned() {
		List<Ledger.Ownership> beliefs = new ArrayList<>(this.ledger.ownerships());
		beliefs.sort(Comparator.comparingInt(Ledger.Ownership::partition).thenComparingLong(Ledger.Ownership::fromNanos));
		long overlaps = 0;
		for (int i = 0; i < beliefs.size(); i++) {
			Ledger.Ownership first = beliefs.get(i);
			for (int j = i + 1; j < beliefs.size() && beliefs.get(j).partition() == first.partition()
					&& beliefs.get(j).fromNanos() < first.toNanos(); j++) {
				if (!beliefs.get(j).member().equals(first.member())) {
					overlaps++;
					System.out.println("soak: partition " + first.partition() + " believed owned by " + first.member()
							+ " and " + beliefs.get(j).member() + " at once, for "
							+ (first.toNanos() - beliefs.get(j).fromNanos()) / 1_000_000 + " ms");
				}
			}
		}
		return overlaps + this.ledger.outsideAssignment();
	}

	/** Every record stored, partition by partition, in offset order. */
	private List<Stored> readLog() {
		List<Stored> log = new ArrayList<>();
		for (int partition = 0; partition < Soak.PARTITIONS; partition++) {
			long offset = 0;
			while (true) {
				JsonNode records = this.http.get("/topics/soak/partitions/" + partition + "/records?offset=" + offset
						+ "&maxRecords=10000&maxBytes=8388608").json().get("records");
				if (records.isEmpty()) {
					break;
				}
				for (JsonNode record : records) {
					offset = record.get("offset").asLong();
					log.add(new Stored(partition, offset, record.get("value").asString()));
					offset++;
				}
			}
		}
		return log;
	}

}
