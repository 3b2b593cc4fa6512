package io.caudal.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.caudal.support.ChildServer;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producers send keyed, idempotent requests while the server is killed with SIGKILL; after each restart every
 * request left unanswered is retried with its key. In the end each record is stored exactly once, where its answer
 * says.
 */
class IdempotentProduceCrashTest {

	private static final int CYCLES = Integer.getInteger("caudal.idempotency.cycles", 3);

	private static final int PRODUCERS = 4;

	@TempDir
	Path root;

	/** A request with its key and body, and the answer once it came. */
	private record Sent(String key, String body, List<String> values) {
	}

	@Test
	void everyRecordIsStoredExactlyOnceAcrossKillsAndRetries() throws Exception {
		Path data = this.root.resolve("data");
		Map<String, JsonNode> answers = new HashMap<>();
		List<Sent> all = new ArrayList<>();
		AtomicInteger sequence = new AtomicInteger();
		int retried = 0;
		for (int cycle = 0; cycle < CYCLES; cycle++) {
			try (ChildServer server = ChildServer.start(data, "256m", 0)) {
				TestHttp http = server.http();
				if (cycle == 0) {
					assertThat(http.post("/topics", "{\"name\":\"retried\",\"partitions\":3}").status()).isEqualTo(201);
				}
				for (Sent unanswered : unanswered(all, answers)) {
					Response retry = http.produceWithKey("retried", unanswered.key(), unanswered.body());
					assertThat(retry.status()).as("retry of %s: %s", unanswered.key(), retry).isEqualTo(200);
					answers.put(unanswered.key(), retry.json());
					retried++;
				}
				ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
				Map<String, JsonNode> answered = new ConcurrentHashMap<>();
				List<Thread> producers = new ArrayList<>();
				ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
				for (int p = 0; p < PRODUCERS; p++) {
					producers.add(new Thread(() -> {
						while (true) {
							Sent request = request(sequence.incrementAndGet());
							sent.add(request);
							try {
								Response answer = http.produceWithKey("retried", request.key(),
										request.body());
								if (answer.status() == 200) {
									answered.put(request.key(), answer.json());
								}
								else {
									refused.add(request.key() + ": " + answer);
								}
							}
							catch (IllegalStateException ex) {
								// The server was killed under this request: it stays unanswered.
								return;
							}
						}
					}));
				}
				producers.forEach(Thread::start);
				Thread.sleep(1500);
				server.kill();
				for (Thread producer : producers) {
					producer.join();
				}
				assertThat(refused).as("answers other than 200 while the server ran").isEmpty();
				all.addAll(sent);
				answers.putAll(answered);
			}
		}
		try (ChildServer server = ChildServer.start(data, "256m", 0)) {
			TestHttp http = server.http();
			for (Sent unanswered : unanswered(all, answers)) {
				Response retry = http.produceWithKey("retried", unanswered.key(), unanswered.body());
				assertThat(retry.status()).isEqualTo(200);
				answers.put(unanswered.key(), retry.json());
			}
			Map<String, List<String>> stored = storedValues(http);
			for (Sent request : all) {
				JsonNode offsets = answers.get(request.key()).get("offsets");
				for (int i = 0; i < request.values().size(); i++) {
					String value = request.values().get(i);
					assertThat(stored.get(value)).as("where %s is stored", value).containsExactly(
							offsets.get(i).get("partition").asInt() + "@" + offsets.get(i).get("offset").asLong());
				}
			}
			assertThat(stored.values().stream().mapToInt(List::size).sum()).as("records stored")
				.isEqualTo(all.size() * 3);
			assertThat(all.size()).as("requests sent").isGreaterThan(CYCLES * PRODUCERS);
			assertThat(retried).as("requests cut off by a kill and retried before the last start").isPositive();
		}
	}

	private static List<Sent> unanswered(List<Sent> all, Map<String, JsonNode> answers) {
		return all.stream().filter(request -> !answers.containsKey(request.key())).toList();
	}

	private static Sent request(int n) {
		List<String> values = List.of("r" + n + "-0", "r" + n + "-1", "r" + n + "-2");
		String body = "{\"records\":[{\"key\":\"k" + (n % 7) + "\",\"value\":\"" + values.get(0) + "\"},{\"value\":\""
				+ values.get(1) + "\"},{\"key\":\"k" + (n % 5) + "\",\"value\":\"" + values.get(2) + "\"}]}";
		return new Sent("request-" + n, body, values);
	}

	/** Every stored value, with where it is stored ("partition@offset"). */
	private static Map<String, List<String>> storedValues(TestHttp http) {
		Map<String, List<String>> stored = new HashMap<>();
		for (int partition = 0; partition < 3; partition++) {
			long offset = 0;
			while (true) {
				JsonNode read = http.get("/topics/retried/partitions/" + partition + "/records?offset=" + offset
						+ "&maxRecords=10000").json();
				if (read.get("records").isEmpty()) {
					break;
				}
				for (JsonNode record : read.get("records")) {
					stored.computeIfAbsent(record.get("value").asString(), v -> new ArrayList<>())
						.add(partition + "@" + record.get("offset").asLong());
					offset = record.get("offset").asLong() + 1;
				}
			}
		}
		return stored;
	}

}
