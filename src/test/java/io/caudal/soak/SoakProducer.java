package io.caudal.soak;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

/**
 * Produces keyed records, one request at a time, each with its own {@code Idempotency-Key}, and sends a request
 * again, with its key and the same bytes, until it is acknowledged, through every kill and restart. A key's records
 * carry increasing sequence numbers, and the next request leaves only once the one before was acknowledged, so each
 * key's records have one right order.
 */
final class SoakProducer implements Runnable {

	private static final int KEYS = 8;

	private static final int RECORDS_PER_REQUEST = 5;

	private final int id;

	private final Supplier<TestHttp> server;

	private final Ledger ledger;

	private final AtomicBoolean running;

	private final Random random;

	private final int[] nextSequence = new int[KEYS];

	private final AtomicLong refusals;

	private final AtomicLong retries;

	SoakProducer(int id, Supplier<TestHttp> server, Ledger ledger, AtomicBoolean running, long seed,
			AtomicLong refusals, AtomicLong retries) {
		this.id = id;
		this.server = server;
		this.ledger = ledger;
		this.running = running;
		this.random = new Random(seed);
		this.refusals = refusals;
		this.retries = retries;
	}

	@Override
	public void run() {
		for (int request = 0; this.running.get(); request++) {
			List<String> values = new ArrayList<>();
			StringBuilder body = new StringBuilder("{\"records\":[");
			for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
				int key = this.random.nextInt(KEYS);
				String value = key(key) + "-" + this.nextSequence[key]++;
				values.add(value);
				body.append(i == 0 ? "" : ",").append("{\"key\":\"").append(key(key)).append("\",\"value\":\"")
					.append(value).append("\"}");
			}
			body.append("]}");
			JsonNode offsets = sendUntilAcknowledged("p" + this.id + "-r" + request, body.toString());
			for (int i = 0; i < values.size(); i++) {
				JsonNode stored = offsets.get(i);
				this.ledger.acknowledged(values.get(i), stored.get("partition").asInt(), stored.get("offset").asLong());
			}
		}
	}

	static String keyOf(String value) {
		return value.substring(0, value.lastIndexOf('-'));
	}

	static int sequenceOf(String value) {
		return Integer.parseInt(value.substring(value.lastIndexOf('-') + 1));
	}

	private String key(int key) {
		return "p" + this.id + "-k" + key;
	}

	/** Sends until a 200; a 4xx other than the server's "busy" answers is a refusal, counted and retried too. */
	private JsonNode sendUntilAcknowledged(String idempotencyKey, String body) {
		for (int attempt = 0;; attempt++) {
			if (attempt > 0) {
				this.retries.incrementAndGet();
				Soak.pause(100);
			}
			TestHttp http = this.server.get();
			try {
				TestHttp.Response answer = http.send(HttpRequest.newBuilder(http.uri("/topics/soak/records"))
					.header("Content-Type", "application/json")
					.header("Idempotency-Key", idempotencyKey)
					.POST(HttpRequest.BodyPublishers.ofString(body)));
				if (answer.status() == 200) {
					return answer.json().get("offsets");
				}
				if (answer.status() != 503 && answer.status() != 409) {
					this.refusals.incrementAndGet();
					System.out.println("soak: produce refused: " + answer);
				}
			}
			catch (IllegalStateException ex) {
				// The server is down or was killed under the request: the same key and bytes go again.
			}
		}
	}

}
