package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP group member of one node (the contract's {@code /groups/{group}/members} calls), for {@link GroupCalls}
 * and {@link Rebalance}. Each call answers the member's view as the node gave it: its generation, the partitions it
 * owns and those it is giving up. Answers are read with a few patterns, not a JSON parser: the fields are the
 * contract's, and the topics these commands use have no records, so no record can hold a look-alike. One call at a
 * time per member.
 */
final class HttpMember {

	/** Beyond a poll's wait: Caudal answers 503 after caudal.kafka.timeout (10 s), so this is only a backstop. */
	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern MEMBER_ID = Pattern.compile("\"memberId\":\"([^\"]+)\"");

	private static final Pattern GENERATION = Pattern.compile("\"generation\":(\\d+)");

	private static final Pattern PARTITION = Pattern.compile("\"partition\":(\\d+)");

	/**
	 * A member's view in one answer. {@code at} is when it arrived, in {@link System#nanoTime()}; {@code tookNanos}
	 * how long the call took.
	 */
	record View(int generation, Set<Integer> assignment, Set<Integer> revoking, long at, long tookNanos) {
	}

	/** A call answered with something else than its success status. */
	static final class CallFailed extends Exception {

		final int status;

		CallFailed(String call, int status, String body) {
			super(call + " answered " + status + ": " + body);
			this.status = status;
		}

	}

	private final HttpClient client;

	private final String url;

	private final String group;

	private String memberId;

	private int generation;

	HttpMember(HttpClient client, String url, String group) {
		this.client = client;
		this.url = url;
		this.group = group;
	}

	static HttpClient client() {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	String memberId() {
		return this.memberId;
	}

	String url() {
		return this.url;
	}

	/** The latest generation this member saw, passed with every later call so that it releases what it gave up. */
	int generation() {
		return this.generation;
	}

	View join(String topic, String assignor) throws Exception {
		String body = "{\"topics\":[\"" + topic + "\"],\"assignor\":\"" + assignor + "\",\"autoOffsetReset\":\"earliest\"}";
		String answer = send("join", 201, HttpRequest.newBuilder(members())
			.header("Content-Type", "application/json")
			.timeout(CALL_TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		Matcher id = MEMBER_ID.matcher(answer);
		if (!id.find()) {
			throw new IllegalStateException("No memberId in the join answer: " + answer);
		}
		this.memberId = id.group(1);
		return view(answer);
	}

	/** A poll of at most 100 records, waiting up to {@code waitMs} for a record or news. */
	View poll(long waitMs) throws Exception {
		return view(send("poll", 200, HttpRequest
			.newBuilder(member("/records?maxRecords=100&waitMs=" + waitMs + "&generation=" + this.generation))
			.timeout(CALL_TIMEOUT.plusMillis(waitMs))
			.GET()));
	}

	View heartbeat() throws Exception {
		return view(send("heartbeat", 200, HttpRequest.newBuilder(member("/heartbeat?generation=" + this.generation))
			.timeout(CALL_TIMEOUT)
			.POST(HttpRequest.BodyPublishers.noBody())));
	}

	/** Commits the delivered positions of every partition the member owns, with its generation. */
	void commit() throws Exception {
		send("commit", 200, HttpRequest.newBuilder(member("/commit"))
			.header("Content-Type", "application/json")
			.timeout(CALL_TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString("{\"generation\":" + this.generation + "}")));
	}

	void leave() throws Exception {
		send("leave", 204, HttpRequest.newBuilder(member("")).timeout(CALL_TIMEOUT).DELETE());
	}

	private URI members() {
		return URI.create(this.url + "/groups/" + this.group + "/members");
	}

	private URI member(String rest) {
		return URI.create(this.url + "/groups/" + this.group + "/members/" + this.memberId + rest);
	}

	/** When the call in flight was sent, for its view's {@code tookNanos}. */
	private long sentAt;

	private String send(String call, int expected, HttpRequest.Builder request) throws Exception {
		this.sentAt = System.nanoTime();
		HttpResponse<String> response = this.client.send(request.build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		if (response.statusCode() != expected) {
			throw new CallFailed(call, response.statusCode(), response.body());
		}
		return response.body();
	}

	private View view(String answer) {
		long at = System.nanoTime();
		Matcher generation = GENERATION.matcher(answer);
		if (!generation.find()) {
			throw new IllegalStateException("No generation in the answer: " + answer);
		}
		this.generation = Math.max(this.generation, Integer.parseInt(generation.group(1)));
		return new View(Integer.parseInt(generation.group(1)), partitions(answer, "\"assignment\":["),
				partitions(answer, "\"revoking\":["), at, at - this.sentAt);
	}

	/** The partition numbers in the array that follows {@code key}; its elements are flat objects. */
	private static Set<Integer> partitions(String answer, String key) {
		Set<Integer> partitions = new TreeSet<>();
		int from = answer.indexOf(key);
		if (from < 0) {
			return partitions;
		}
		int to = answer.indexOf(']', from);
		Matcher partition = PARTITION.matcher(answer).region(from, to);
		while (partition.find()) {
			partitions.add(Integer.parseInt(partition.group(1)));
		}
		return partitions;
	}

}
