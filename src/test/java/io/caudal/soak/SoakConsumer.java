package io.caudal.soak;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

/**
 * A member of the soak's group over HTTP, written as a careful client would be: it sends the generation of the last
 * answer it read with every poll and commit, commits exactly what it processed, and stops believing it owns its
 * partitions once a session timeout has passed since it last sent a call that was answered, since the server may
 * have removed it by then. Every belief is written to the {@link Ledger}, with client-side instants, for the
 * double-ownership check.
 */
final class SoakConsumer implements Runnable {

	static final int SESSION_TIMEOUT_MS = 6000;

	/** About one poll in this many is a leave and a join instead. */
	private static final int CHURN_ONE_POLL_IN = 40;

	private static final long SESSION_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS);

	private final Supplier<TestHttp> server;

	private final Ledger ledger;

	private final AtomicBoolean running;

	private String memberId;

	private int generation;

	/** Each partition this member believes it owns, with the instant the belief began. */
	private final Map<Integer, Long> owned = new HashMap<>();

	/** When the last answered call was sent. */
	private long lastAnsweredSendNanos;

	private final Random random;

	SoakConsumer(Supplier<TestHttp> server, Ledger ledger, AtomicBoolean running, long seed) {
		this.server = server;
		this.ledger = ledger;
		this.running = running;
		this.random = new Random(seed);
	}

	@Override
	public void run() {
		while (this.running.get()) {
			expireBeliefs();
			try {
				if (this.memberId == null) {
					join();
				}
				else if (this.random.nextInt(CHURN_ONE_POLL_IN) == 0) {
					leave();
				}
				else {
					pollOnce();
				}
			}
			catch (IllegalStateException ex) {
				// The server is down or was killed under the call: try again, as the same member.
				Soak.pause(100);
			}
		}
		if (this.memberId != null) {
			try {
				leave();
			}
			catch (IllegalStateException ex) {
				// Leaving is a courtesy; the session timeout removes the member anyway.
			}
		}
	}

	/** Leaves the group, so that its partitions move: the churn that makes rebalances happen under the kills. */
	private void leave() {
		giveUpAll(System.nanoTime());
		this.server.get().delete("/groups/soak/members/" + this.memberId);
		this.memberId = null;
	}

	private void join() {
		long sent = System.nanoTime();
		TestHttp.Response joined = this.server.get().post("/groups/soak/members",
				"{\"topics\":[\"soak\"],\"autoOffsetReset\":\"earliest\",\"sessionTimeoutMs\":" + SESSION_TIMEOUT_MS
						+ ",\"rebalanceTimeoutMs\":" + SESSION_TIMEOUT_MS + "}");
		if (joined.status() != 200 && joined.status() != 201) {
			Soak.pause(100);
			return;
		}
		this.memberId = joined.json().get("memberId").asString();
		believe(joined.json(), sent);
	}

	private void pollOnce() {
		long sent = System.nanoTime();
		TestHttp.Response answer = this.server.get().get("/groups/soak/members/" + this.memberId
				+ "/records?waitMs=500&maxRecords=200&generation=" + this.generation);
		if (answer.status() != 200) {
			handleRefusal(answer, sent);
			return;
		}
		JsonNode polled = answer.json();
		believe(polled, sent);
		Map<Integer, Long> next = new TreeMap<>();
		int outside = 0;
		for (JsonNode record : polled.get("records")) {
			int partition = record.get("partition").asInt();
			if (!this.owned.containsKey(partition)) {
				outside++;
				continue;
			}
			long offset = record.get("offset").asLong();
			this.ledger.processed(partition, offset);
			next.merge(partition, offset + 1, Math::max);
		}
		if (outside > 0) {
			this.ledger.outsideAssignment(outside);
		}
		if (!next.isEmpty()) {
			commit(next);
		}
	}

	private void commit(Map<Integer, Long> next) {
		StringBuilder offsets = new StringBuilder();
		next.forEach((partition, offset) -> offsets.append(offsets.isEmpty() ? "" : ",")
			.append("{\"topic\":\"soak\",\"partition\":").append(partition).append(",\"offset\":").append(offset)
			.append('}'));
		long sent = System.nanoTime();
		TestHttp.Response committed = this.server.get().post("/groups/soak/members/" + this.memberId + "/commit",
				"{\"offsets\":[" + offsets + "],\"generation\":" + this.generation + "}");
		if (committed.status() == 200) {
			this.lastAnsweredSendNanos = sent;
		}
		else {
			// Fenced or removed: the records go to the partition's next owner from the last commit, again.
			handleRefusal(committed, sent);
		}
	}

	private void handleRefusal(TestHttp.Response answer, long sent) {
		String code = answer.status() >= 400 ? answer.json().path("code").asString() : "";
		if ("UNKNOWN_MEMBER".equals(code)) {
			giveUpAll(System.nanoTime());
			this.memberId = null;
		}
		else if (!"FENCED_MEMBER".equals(code) && answer.status() != 503) {
			System.out.println("soak: member " + this.memberId + " got " + answer);
		}
		if (answer.status() != 503) {
			this.lastAnsweredSendNanos = sent;
		}
		Soak.pause(100);
	}

	/** Takes an answer's assignment as what this member now owns: partitions being revoked are no longer its. */
	private void believe(JsonNode answer, long sent) {
		long now = System.nanoTime();
		this.lastAnsweredSendNanos = sent;
		this.generation = answer.get("generation").asInt();
		Set<Integer> assigned = new HashSet<>();
		for (JsonNode partition : answer.get("assignment")) {
			assigned.add(partition.get("partition").asInt());
		}
		for (JsonNode partition : answer.path("revoking")) {
			assigned.remove(partition.get("partition").asInt());
		}
		for (Integer partition : Set.copyOf(this.owned.keySet())) {
			if (!assigned.contains(partition)) {
				giveUp(partition, now);
			}
		}
		for (Integer partition : assigned) {
			this.owned.putIfAbsent(partition, now);
		}
	}

	private void expireBeliefs() {
		if (!this.owned.isEmpty() && System.nanoTime() - this.lastAnsweredSendNanos > SESSION_TIMEOUT_NANOS) {
			giveUpAll(this.lastAnsweredSendNanos + SESSION_TIMEOUT_NANOS);
		}
	}

	private void giveUpAll(long at) {
		for (Integer partition : Set.copyOf(this.owned.keySet())) {
			giveUp(partition, at);
		}
	}

	private void giveUp(int partition, long at) {
		Long from = this.owned.remove(partition);
		if (from != null) {
			this.ledger.owned(new Ledger.Ownership(String.valueOf(this.memberId), partition, from, at));
		}
	}

}
