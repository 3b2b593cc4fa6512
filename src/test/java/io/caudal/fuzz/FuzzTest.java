package io.caudal.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.caudal.support.ChildServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends seeded, mutated requests of every operation, then socket messages, to a server in a child JVM with a 256 MiB
 * heap that exits on {@link OutOfMemoryError}, and checks that no answer is 500 or above, that every error is problem
 * details with a {@code code}, and that the server is alive and healthy at the end: its memory held. The heap in
 * use is sampled every 1,000 requests and printed. {@code -Dcaudal.fuzz.requests=N} (5,000 by default) and
 * {@code -Dcaudal.seed=S} for another run or to replay one.
 */
class FuzzTest {

	private static final int REQUESTS = Integer.getInteger("caudal.fuzz.requests", 5_000);

	/** A fixed seed by default, so that the build is repeatable; another with {@code -Dcaudal.seed}. */
	private static final long SEED = Long.getLong("caudal.seed", 17_796_956_794_387L);

	private static final String MAX_HEAP = "256m";

	@TempDir
	Path root;

	@Test
	void noRequestGetsA5xxOrAnAnswerThatIsNotProblemDetails() throws Exception {
		fuzz(REQUESTS, null, "caudal.fetch.max-wait=200ms", "caudal.max-request-size=64KB");
	}

	/**
	 * The same with security on: most requests as a super-user (so they reach every handler), some with a key that
	 * does not exist, some without any identity. Spring Security answers the refusals, its firewall too.
	 */
	@Test
	void withSecurityOnNoRequestGetsA5xxOrAnAnswerThatIsNotProblemDetails() throws Exception {
		fuzz(REQUESTS / 2, SecuredStackTest.ADMIN_KEY, "caudal.fetch.max-wait=200ms", "caudal.max-request-size=64KB",
				"caudal.security.enabled=true", "caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY);
	}

	/** @param adminKey the key most requests carry when security is on, else null */
	private void fuzz(int requests, String adminKey, String... settings) throws Exception {
		System.out.println("FuzzTest: seed " + SEED + " (replay with -Dcaudal.seed=" + SEED + "), " + requests
				+ " requests, security " + ((adminKey != null) ? "on" : "off"));
		RequestFuzzer fuzzer = new RequestFuzzer(SEED);
		Random identities = new Random(SEED);
		List<String> failures = new ArrayList<>();
		long peakHeapBytes = 0;
		try (ChildServer server = ChildServer.start(this.root.resolve("data"), MAX_HEAP, 0, settings)) {
			TestHttp http = (adminKey != null) ? server.http().bearer(adminKey) : server.http();
			for (int i = 0; i < requests && failures.size() < 20; i++) {
				RequestFuzzer.Request request = fuzzer.next();
				String problem = check(server.port(), withIdentity(request, adminKey, identities));
				if (problem != null) {
					failures.add("request " + i + ": " + problem + "\n    " + request.describe());
				}
				if (i % 1000 == 999) {
					peakHeapBytes = Math.max(peakHeapBytes, liveHeapBytes(http));
					System.out.println("FuzzTest: " + (i + 1) + " requests, " + failures.size() + " failures, heap in "
							+ "use " + (peakHeapBytes >> 20) + " MiB at most");
				}
			}
			failures.addAll(fuzzSockets(server.port(), fuzzer, http, adminKey));
			assertThat(server.isAlive()).as("the server survived; its output:\n%s", server.output()).isTrue();
			assertThat(http.get("/actuator/health").status()).isEqualTo(200);
		}
		assertThat(failures).as("seed %d", SEED).isEmpty();
	}

	/** Adds the admin key to 8 requests in 10, a key that does not exist to 1, nothing to the last. */
	private static RequestFuzzer.Request withIdentity(RequestFuzzer.Request request, String adminKey,
			Random identities) {
		if (adminKey == null) {
			return request;
		}
		int draw = identities.nextInt(10);
		if (draw == 9) {
			return request;
		}
		String token = (draw == 8) ? "cdl_NoSuchKey" + identities.nextInt(1000) : adminKey;
		String head = request.head();
		int lineEnd = head.indexOf("\r\n");
		if (lineEnd < 0) {
			return request;
		}
		return new RequestFuzzer.Request(head.substring(0, lineEnd + 2) + "Authorization: Bearer " + token + "\r\n"
				+ head.substring(lineEnd + 2), request.body());
	}

	/**
	 * Sends mutated messages over group and tail sockets: every {@code error} frame must carry a code, and no socket
	 * may close with 1011 (a server fault). A socket closed for a client mistake is opened again.
	 */
	private static List<String> fuzzSockets(int port, RequestFuzzer fuzzer, TestHttp http, String adminKey)
			throws Exception {
		List<String> failures = new ArrayList<>();
		http.post("/topics", "{\"name\":\"fuzz-ws\",\"partitions\":2}");
		http.post("/topics/fuzz-ws/records", "{\"records\":[{\"value\":1},{\"value\":\"two\"}]}");
		String[] paths = { "/ws/groups/fuzz-wsg?topics=fuzz-ws&autoOffsetReset=earliest", "/ws/topics/fuzz-ws" };
		int frames = Math.max(200, REQUESTS / 20);
		for (String path : paths) {
			FuzzSocket socket = FuzzSocket.open(port, path, adminKey);
			for (int i = 0; i < frames; i++) {
				if (socket.closeCode() != null) {
					failures.addAll(socket.problems());
					socket = FuzzSocket.open(port, path, adminKey);
				}
				socket.send(fuzzer.nextFrame());
			}
			socket.close();
			failures.addAll(socket.problems());
		}
		return failures;
	}

	/** Sends one request; returns what is wrong with its answer, or null. */
	private static String check(int port, RequestFuzzer.Request request) {
		RawHttp.Answer answer;
		try {
			answer = RawHttp.send(port, request.head(), request.body());
		}
		catch (IOException ex) {
			return "no answer: " + ex;
		}
		if (answer.status() >= 500) {
			return "status " + answer.status() + ": " + answer.body();
		}
		// A HEAD answer has the headers of a GET but never a body.
		if (answer.status() >= 400 && !request.head().startsWith("HEAD ")) {
			if (!answer.contentType().startsWith("application/problem+json")) {
				return "status " + answer.status() + " as " + answer.contentType() + ": " + answer.body();
			}
			JsonNode problem = TestHttp.parse(answer.body());
			if (problem.get("code") == null || problem.get("code").asString().isEmpty()) {
				return "problem without a code: " + answer.body();
			}
		}
		return null;
	}

	/** The server's heap in use now, live objects and garbage not yet collected. */
	private static long liveHeapBytes(TestHttp http) {
		JsonNode used = http.get("/actuator/metrics/jvm.memory.used?tag=area:heap").json();
		return (long) used.get("measurements").get(0).get("value").asDouble();
	}

}
