package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The time a group takes to settle again after one member leaves. Each trial: {@code members} HTTP members join a
 * new group over {@code topic} ({@code partitions} partitions) with {@code assignor}, each in a thread of its own
 * that then long-polls ({@code wait-ms}) with the latest generation it saw, as an HTTP consumer runs, and reports
 * every answer to {@link GroupViews}. Once the group is settled (every member at one generation, nothing being given
 * up, every partition owned by exactly one member) and has been quiet for a second, the member that joined last
 * leaves ({@code DELETE}).
 *
 * <p>The rebalance time is from just before that {@code DELETE} is sent to the arrival of the answer that completed
 * the settled picture again: the remaining members all at one generation above the one before, none giving a
 * partition up, every partition owned by exactly one of them. It includes every step the protocol takes: the new
 * target assignment, each old owner hearing of the revocation and acknowledging it with its next poll, and each new
 * owner's poll answering the partition. {@code expiredPolls} counts the members whose part of that picture came in
 * a long poll that took at least its whole wait (nothing woke it). Member i calls node i mod n of the comma-separated
 * {@code url}.
 *
 * <p>Prints a {@code TRIAL} line per trial and a {@code RESULT} line with the median and the range. Bounded:
 * {@code timeout-ms} for the group to form and again to settle, per trial.
 */
final class Rebalance {

	static void run(Options options) throws Exception {
		String[] urls = options.string("url").split(",");
		String topic = options.string("topic");
		int partitions = options.integer("partitions", 60);
		int members = options.integer("members", 50);
		String assignor = options.string("assignor", "range");
		int trials = options.integer("trials", 3);
		long waitMs = options.number("wait-ms", 5000);
		long timeoutMs = options.number("timeout-ms", 60_000);
		String prefix = options.string("group", "rebalance-" + assignor);

		HttpClient client = HttpMember.client();
		List<Map<String, Object>> done = new ArrayList<>();
		int failed = 0;
		long errors = 0;
		for (int t = 1; t <= trials; t++) {
			Trial trial = new Trial(client, urls, prefix + "-" + t, topic, partitions, members, assignor, waitMs);
			Map<String, Object> values = trial.run(timeoutMs);
			errors += trial.errors.get();
			StringBuilder line = new StringBuilder("TRIAL " + t);
			values.forEach((key, value) -> line.append(' ')
				.append(key)
				.append('=')
				.append((value instanceof Double number) ? Results.fixed(number) : value));
			System.out.println(line);
			if (values.get("rebalanceMs") instanceof Double) {
				done.add(values);
			}
			else {
				failed++;
			}
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("trials", trials);
		result.put("settled", done.size());
		result.put("errors", errors);
		putMedianAndRange(result, done, "rebalanceMs");
		putMedianAndRange(result, done, "formMs");
		putMedianAndRange(result, done, "leaveMs");
		putMedianAndRange(result, done, "moved");
		putMedianAndRange(result, done, "answers");
		putMedianAndRange(result, done, "expiredPolls");
		Results.print(result);
		System.exit((failed == 0 && errors == 0) ? 0 : 1);
	}

	/** {@code key}: the median, {@code keyMin}, {@code keyMax} and {@code keyEach} (in trial order) of the trials. */
	private static void putMedianAndRange(Map<String, Object> result, List<Map<String, Object>> trials, String key) {
		if (trials.isEmpty()) {
			return;
		}
		double[] values = trials.stream().mapToDouble(t -> ((Number) t.get(key)).doubleValue()).toArray();
		result.put(key + "Each", Arrays.stream(values).mapToObj(Results::fixed).collect(Collectors.joining(",")));
		Arrays.sort(values);
		int middle = values.length / 2;
		double median = (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
		result.put(key, Results.fixed(median));
		result.put(key + "Min", Results.fixed(values[0]));
		result.put(key + "Max", Results.fixed(values[values.length - 1]));
	}

	private static final class Trial {

		private final HttpClient client;

		private final String[] urls;

		private final String group;

		private final String topic;

		private final int members;

		private final String assignor;

		private final long waitMs;

		private final GroupViews views;

		private final List<Member> all = new ArrayList<>();

		private final AtomicInteger joinOrder = new AtomicInteger();

		final AtomicLong errors = new AtomicLong();

		Trial(HttpClient client, String[] urls, String group, String topic, int partitions, int members,
				String assignor, long waitMs) {
			this.client = client;
			this.urls = urls;
			this.group = group;
			this.topic = topic;
			this.members = members;
			this.assignor = assignor;
			this.waitMs = waitMs;
			this.views = new GroupViews(partitions);
		}

		Map<String, Object> run(long timeoutMs) throws Exception {
			Map<String, Object> values = new LinkedHashMap<>();
			this.views.expect(this.members, 0);
			long formStart = System.nanoTime();
			for (int i = 0; i < this.members; i++) {
				Member member = new Member(new HttpMember(this.client, this.urls[i % this.urls.length], this.group));
				this.all.add(member);
				member.thread.start();
			}
			try {
				long formed = this.views.awaitSettled(formStart + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
				if (formed < 0) {
					values.put("formed", "no: " + this.views.describe().replace(' ', '_'));
					return values;
				}
				values.put("formMs", (formed - formStart) / 1e6);
				Thread.sleep(1000);
				Member leaver = this.all.stream().max((a, b) -> Integer.compare(a.joinedAs, b.joinedAs)).orElseThrow();
				Map<Integer, String> ownersBefore = this.views.owners();
				int generationBefore = this.views.generation();
				this.views.expect(this.members - 1, generationBefore);
				this.views.remove(leaver.member.memberId());
				leaver.stopping = true;
				long leaveStart = System.nanoTime();
				leaver.member.leave();
				values.put("leaveMs", (System.nanoTime() - leaveStart) / 1e6);
				long settled = this.views.awaitSettled(leaveStart + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
				if (settled < 0) {
					values.put("settledAfterLeave", "no: " + this.views.describe().replace(' ', '_'));
					return values;
				}
				values.put("rebalanceMs", (settled - leaveStart) / 1e6);
				values.put("generations", this.views.generation() - generationBefore);
				Map<Integer, String> ownersAfter = this.views.owners();
				values.put("moved", (double) ownersAfter.entrySet()
					.stream()
					.filter(owner -> !owner.getValue().equals(ownersBefore.get(owner.getKey())))
					.count());
				values.put("answers", (double) this.views.answersSinceExpect());
				// Members whose settling answer came when their long poll ran out, not when something woke it: the
				// wait starts after the poll's reads, so such a poll takes at least waitMs, and a woken one less.
				values.put("expiredPolls", (double) this.views.settledViews()
					.stream()
					.filter(view -> view.tookNanos() >= TimeUnit.MILLISECONDS.toNanos(this.waitMs))
					.count());
				values.put("described", describedState());
				return values;
			}
			finally {
				leaveAll();
			}
		}

		/** The group's state and member count as {@code GET /groups/{group}} tells them, e.g. {@code STABLE/49}. */
		private String describedState() throws Exception {
			HttpResponse<String> answer = this.client.send(
					HttpRequest.newBuilder(URI.create(this.urls[0] + "/groups/" + this.group))
						.timeout(Duration.ofSeconds(30))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			String body = answer.body();
			int state = body.indexOf("\"state\":\"");
			String stateName = (state < 0) ? "?" : body.substring(state + 9, body.indexOf('"', state + 9));
			return stateName + "/" + (body.split("\"memberId\"", -1).length - 1);
		}

		/**
		 * Stops every member thread, has every member still in the group leave, ten at a time (one by one, 49 leaves
		 * that each rebalance the group would take longer than the trial), and waits for the threads.
		 */
		private void leaveAll() throws InterruptedException {
			for (Member member : this.all) {
				member.stopping = true;
			}
			ExecutorService leaving = Executors.newFixedThreadPool(10);
			for (Member member : this.all) {
				if (member.member.memberId() != null && !member.left) {
					leaving.execute(() -> {
						try {
							member.member.leave();
						}
						catch (Exception ex) {
							// Already gone: the leaver, or a member whose session ended.
						}
					});
				}
			}
			leaving.shutdown();
			leaving.awaitTermination(2, TimeUnit.MINUTES);
			for (Member member : this.all) {
				member.thread.join(this.waitMs + 70_000);
			}
		}

		/** One member's thread: joins, then long-polls with its generation until stopped. */
		private final class Member implements Runnable {

			final HttpMember member;

			final Thread thread;

			volatile boolean stopping;

			volatile boolean left;

			volatile int joinedAs = -1;

			Member(HttpMember member) {
				this.member = member;
				this.thread = new Thread(this, "member");
			}

			@Override
			public void run() {
				try {
					HttpMember.View joined = this.member.join(Trial.this.topic, Trial.this.assignor);
					this.joinedAs = Trial.this.joinOrder.getAndIncrement();
					Trial.this.views.update(this.member.memberId(), joined);
				}
				catch (Exception ex) {
					Trial.this.errors.incrementAndGet();
					System.err.println("Join failed: " + ex);
					return;
				}
				while (!this.stopping) {
					try {
						Trial.this.views.update(this.member.memberId(), this.member.poll(Trial.this.waitMs));
					}
					catch (HttpMember.CallFailed ex) {
						if (!this.stopping) {
							Trial.this.errors.incrementAndGet();
							System.err.println("Poll failed: " + ex.getMessage());
						}
						if (ex.status == 409) { // UNKNOWN_MEMBER: no longer in the group
							this.left = true;
							return;
						}
						pause();
					}
					catch (Exception ex) {
						if (!this.stopping) {
							Trial.this.errors.incrementAndGet();
							System.err.println("Poll failed: " + ex);
							pause();
						}
					}
				}
			}

			/** After a failed call, before the next: a failing node is not hammered. */
			private void pause() {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.stopping = true;
				}
			}

		}

	}

	private Rebalance() {
	}

}
