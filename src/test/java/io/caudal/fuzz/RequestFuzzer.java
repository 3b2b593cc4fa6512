package io.caudal.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Makes requests from a template of each operation of the API, then mutates them: values of the wrong type, huge
 * and negative numbers, odd Unicode, broken JSON, missing and repeated fields, unknown paths and methods, odd
 * headers. Every request stays small, and names come from a small pool, so the data the server keeps is bounded.
 * Deterministic for a seed.
 */
final class RequestFuzzer {

	/** A request: the request line and headers, and the body. */
	record Request(String head, byte[] body) {

		String describe() {
			String text = new String(this.body, StandardCharsets.UTF_8);
			return this.head.replace("\r\n", " | ") + " || " + text.substring(0, Math.min(300, text.length()));
		}

	}

	private static final List<String> TOPICS = List.of("fuzz-a", "fuzz-b", "fuzz-c");

	private static final List<String> GROUPS = List.of("fuzz-g", "fuzz-h");

	private static final List<String> WEIRD_VALUES = List.of("null", "true", "-1", "0", "2147483648",
			"-9223372036854775809", "9223372036854775807", "1e400", "1.5", "\"\"", "\"\\u0000\"", "\"\\ud800\"",
			"\"\u202e\u200b\"", "\"😀\"", "[]", "{}", "[[[[[[[[1]]]]]]]]", "\"" + "x".repeat(300) + "\"", "\"a,b\"",
			"\"../..\"", "{\"$ref\":1}");

	private static final List<String> WEIRD_SEGMENTS = List.of("%zz", "%00", "%5C", "..", ".", "%2e%2e", "a%2Fb",
			"%C3%28", "x".repeat(300), "%E2%80%AE", "-1", "99999999999", "", "%20");

	private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
			"TRACE", "BREW");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain", "application/xml",
			"application/json; charset=latin1", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
			"*/*");

	private final Random random;

	RequestFuzzer(long seed) {
		this.random = new Random(seed);
	}

	Request next() {
		String topic = pick(TOPICS);
		String group = pick(GROUPS);
		String member = this.random.nextBoolean() ? "00000000-0000-0000-0000-000000000000" : pick(WEIRD_SEGMENTS);
		int partition = this.random.nextInt(5) - 1;
		String[] template = switch (this.random.nextInt(16)) {
			case 0 -> new String[] { "POST", "/topics", "{\"name\":\"" + topic + "\",\"partitions\":"
					+ (1 + this.random.nextInt(3)) + ",\"config\":{\"retention.ms\":60000,\"segment.bytes\":1048576}}" };
			case 1 -> new String[] { "GET", "/topics", "" };
			case 2 -> new String[] { "GET", "/topics/" + topic, "" };
			case 3 -> new String[] { "PATCH", "/topics/" + topic,
					"{\"partitions\":" + (1 + this.random.nextInt(4)) + ",\"config\":{\"retention.ms\":120000}}" };
			case 4 -> new String[] { "DELETE", "/topics/" + topic, "" };
			case 5, 6 -> new String[] { "POST", "/topics/" + topic + "/records",
					"{\"records\":[{\"key\":\"k\",\"value\":{\"n\":1},\"headers\":{\"h\":\"v\"}},{\"valueBytes\":\"AAE=\","
							+ "\"partition\":0,\"timestamp\":" + System.currentTimeMillis() + "}]}" };
			case 7 -> new String[] { "GET", "/topics/" + topic + "/partitions/" + partition
					+ "/records?offset=earliest&maxRecords=10&maxBytes=4096&waitMs=50", "" };
			case 8 -> new String[] { "GET", "/topics/" + topic + "/partitions/" + partition + "/offsets?timestamp=0",
					"" };
			case 9 -> new String[] { "POST", "/groups/" + group + "/members", "{\"topics\":[\"" + topic
					+ "\"],\"sessionTimeoutMs\":5000,\"rebalanceTimeoutMs\":2000,\"assignor\":\"range\","
					+ "\"autoOffsetReset\":\"earliest\",\"instanceId\":null}" };
			case 10 -> new String[] { "GET", "/groups/" + group + "/members/" + member
					+ "/records?maxRecords=5&waitMs=20&generation=1", "" };
			case 11 -> new String[] { "POST", "/groups/" + group + "/members/" + member + "/heartbeat?generation=1",
					"" };
			case 12 -> new String[] { "POST", "/groups/" + group + "/members/" + member + "/commit",
					"{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":0}],\"generation\":1}" };
			case 13 -> new String[] { "POST", "/groups/" + group + "/offsets/reset",
					"{\"topic\":\"" + topic + "\",\"partitions\":[0],\"to\":\"earliest\"}" };
			case 14 -> new String[] { "GET", this.random.nextBoolean() ? "/groups/" + group : "/groups", "" };
			default -> new String[] { "DELETE", this.random.nextBoolean() ? "/groups/" + group
					: "/groups/" + group + "/members/" + member, "" };
		};
		String method = template[0];
		String path = template[1];
		String body = template[2];
		String contentType = body.isEmpty() ? null : "application/json";
		int mutations = this.random.nextInt(3);
		for (int i = 0; i < mutations; i++) {
			switch (this.random.nextInt(10)) {
				case 0 -> method = pick(METHODS);
				case 1 -> path = mutatePath(path);
				case 2 -> contentType = pick(CONTENT_TYPES);
				case 3 -> body = body.substring(0, this.random.nextInt(body.length() + 1));
				case 4 -> body = randomText(this.random.nextInt(64));
				default -> body = mutateJson(body);
			}
		}
		StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1");
		if (contentType != null) {
			head.append("\r\nContent-Type: ").append(contentType);
		}
		if (this.random.nextInt(10) == 0) {
			head.append("\r\n").append(pick(List.of("Accept: text/html", "Accept: application/xml",
					"Idempotency-Key: " + pick(List.of("k", "x".repeat(300), "a b")), "X-Odd: \u00ff\u00fe",
					"Accept-Encoding: gzip", "Expect: 100-continue", "Transfer-Encoding: gzip")));
		}
		return new Request(head.toString(), body.getBytes(StandardCharsets.UTF_8));
	}

	/** A client message for a socket, from a template of each type, mutated like request bodies. */
	String nextFrame() {
		String frame = switch (this.random.nextInt(5)) {
			case 0 -> "{\"type\":\"credit\",\"records\":" + this.random.nextInt(100) + "}";
			case 1 -> "{\"type\":\"commit\"}";
			case 2 -> "{\"type\":\"commit\",\"offsets\":[{\"topic\":\"fuzz-ws\",\"partition\":0,\"offset\":0}],"
					+ "\"generation\":1}";
			case 3 -> "{\"type\":\"ack\",\"generation\":" + this.random.nextInt(3) + "}";
			default -> randomText(this.random.nextInt(40));
		};
		int mutations = this.random.nextInt(3);
		for (int i = 0; i < mutations; i++) {
			frame = this.random.nextInt(4) == 0 ? frame.substring(0, this.random.nextInt(frame.length() + 1))
					: mutateJson(frame);
		}
		return frame;
	}

	private String mutatePath(String path) {
		String[] segments = path.split("/", -1);
		int index = 1 + this.random.nextInt(Math.max(1, segments.length - 1));
		segments[Math.min(index, segments.length - 1)] = pick(WEIRD_SEGMENTS);
		String mutated = String.join("/", segments);
		if (this.random.nextInt(4) == 0) {
			mutated += (mutated.contains("?") ? "&" : "?") + pick(List.of("offset=-5", "maxRecords=0",
					"maxBytes=99999999999", "waitMs=-1", "offset=%zz", "generation=x", "timestamp=9e99", "a=%00",
					"offset=latest&offset=earliest", "from=timestamp:x"));
		}
		return mutated;
	}

	/** Replaces one JSON value of the text with a weird one, drops or repeats a field, or adds an unknown one. */
	private String mutateJson(String json) {
		if (json.isEmpty()) {
			return pick(WEIRD_VALUES);
		}
		int choice = this.random.nextInt(4);
		int colon = nthIndexOf(json, ':', this.random.nextInt(countOf(json, ':') + 1));
		if (colon < 0) {
			return json + pick(WEIRD_VALUES);
		}
		int end = valueEnd(json, colon + 1);
		return switch (choice) {
			case 0 -> json.substring(0, colon + 1) + pick(WEIRD_VALUES) + json.substring(end);
			case 1 -> {
				int start = Math.max(json.lastIndexOf(',', colon), json.lastIndexOf('{', colon)) + 1;
				yield json.substring(0, start) + json.substring(Math.min(json.length(), end + 1));
			}
			case 2 -> {
				int start = Math.max(json.lastIndexOf(',', colon), json.lastIndexOf('{', colon)) + 1;
				yield json.substring(0, end) + "," + json.substring(start, end) + json.substring(end);
			}
			default -> json.substring(0, colon + 1) + json.substring(colon + 1, end) + ",\"colour\":"
					+ pick(WEIRD_VALUES) + json.substring(end);
		};
	}

	private static int valueEnd(String json, int from) {
		int depth = 0;
		boolean inString = false;
		for (int i = from; i < json.length(); i++) {
			char c = json.charAt(i);
			if (inString) {
				if (c == '\\') {
					i++;
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
			}
			else if (c == '{' || c == '[') {
				depth++;
			}
			else if (c == '}' || c == ']') {
				if (depth == 0) {
					return i;
				}
				depth--;
			}
			else if (c == ',' && depth == 0) {
				return i;
			}
		}
		return json.length();
	}

	private static int countOf(String text, char c) {
		return (int) text.chars().filter(ch -> ch == c).count();
	}

	private static int nthIndexOf(String text, char c, int n) {
		int index = -1;
		for (int i = 0; i <= n; i++) {
			index = text.indexOf(c, index + 1);
			if (index < 0) {
				return -1;
			}
		}
		return index;
	}

	private String randomText(int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.appendCodePoint(this.random.nextInt(4) == 0 ? this.random.nextInt(0x2FFF) : 0x20 + this.random.nextInt(95));
		}
		return text.toString();
	}

	private <T> T pick(List<T> choices) {
		return choices.get(this.random.nextInt(choices.size()));
	}

}
