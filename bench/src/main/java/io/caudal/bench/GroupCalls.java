package io.caudal.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * The cost of group coordination, one kind of call at a time: {@code groups} groups of {@code members} HTTP members
 * each reading {@code topic} ({@code partitions} partitions), one thread and one call in flight per member, a warm-up
 * then a measured window, as {@link Produce} has. {@code call} is what every member repeats:
 *
 * <pre>
 * join       join, then leave; both timed, joins counted (each changes the group's assignment twice)
 * poll       GET records?waitMs=0 with its generation: a heartbeat that also reads the member's partitions once
 * heartbeat  POST heartbeat with its generation
 * commit     POST commit of its delivered positions, with its generation
 * </pre>
 *
 * For poll, heartbeat and commit the members join before the clock starts and heartbeat until every group is
 * settled ({@link GroupViews}); they leave after the window. Member i calls node i mod n of the comma-separated
 * {@code url}, so that with two nodes every group has members on both. Bounded by the window and by
 * {@code max-calls}; a member stops after 10 failed calls.
 */
final class GroupCalls {

	private static final long SETTLE_MS = 60_000;

	static void run(Options options) throws Exception {
		String[] urls = options.string("url").split(",");
		String topic = options.string("topic");
		int partitions = options.integer("partitions", 1);
		int groups = options.integer("groups", 4);
		int members = options.integer("members", 4);
		String call = options.string("call");
		String prefix = options.string("group", "calls-" + call);
		long warmupMs = options.number("warmup-ms", 1000);
		long durationMs = options.number("duration-ms", 5000);
		AtomicLong budget = new AtomicLong(options.number("max-calls", 10_000_000L));
		if (!List.of("join", "poll", "heartbeat", "commit").contains(call)) {
			throw new IllegalArgumentException("--call is join, poll, heartbeat or commit, not " + call);
		}

		HttpClient client = HttpMember.client();
		List<GroupViews> views = new ArrayList<>();
		List<Worker> workers = new ArrayList<>();
		for (int g = 0; g < groups; g++) {
			GroupViews group = new GroupViews(partitions);
			group.expect(members, 0);
			views.add(group);
			for (int m = 0; m < members; m++) {
				int i = workers.size();
				workers.add(new Worker(new HttpMember(client, urls[i % urls.length], prefix + "-" + g), call, topic,
						group, budget));
			}
		}
		if (!call.equals("join")) {
			settle(workers, views);
		}
		long startNanos = System.nanoTime();
		long measureFrom = startNanos + warmupMs * 1_000_000;
		long measureUntil = measureFrom + durationMs * 1_000_000;
		CountDownLatch done = new CountDownLatch(workers.size());
		for (Worker worker : workers) {
			Thread thread = new Thread(() -> {
				worker.repeat(measureFrom, measureUntil);
				done.countDown();
			}, "member-" + workers.indexOf(worker));
			thread.start();
		}
		if (!done.await(warmupMs + durationMs + 120_000, TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("The members did not finish in time.");
		}
		Histogram latency = Results.histogram();
		Histogram leaveLatency = Results.histogram();
		long calls = 0;
		long errors = 0;
		long lastEnd = measureFrom;
		for (Worker worker : workers) {
			latency.add(worker.latency);
			leaveLatency.add(worker.leaveLatency);
			calls += worker.calls;
			errors += worker.errors;
			lastEnd = Math.max(lastEnd, worker.lastEnd);
		}
		long leaveErrors = call.equals("join") ? 0 : leaveAll(workers);
		double seconds = (lastEnd - measureFrom) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("calls", calls);
		result.put("errors", errors);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("callsPerSec", Results.fixed(calls / seconds));
		result.putAll(Results.latencies(latency));
		if (call.equals("join")) {
			result.put("leaveP50Ms", Results.ms(leaveLatency.getValueAtPercentile(50)));
			result.put("leaveP99Ms", Results.ms(leaveLatency.getValueAtPercentile(99)));
		}
		else {
			result.put("leaveErrors", leaveErrors);
		}
		Results.print(result);
		System.exit((calls == 0 || errors > 0) ? 1 : 0);
	}

	/** Joins every member, then has each heartbeat until every group is settled. */
	private static void settle(List<Worker> workers, List<GroupViews> views) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
		List<Thread> threads = new ArrayList<>();
		for (Worker worker : workers) {
			Thread thread = new Thread(() -> worker.settle(deadline), "settle-" + threads.size());
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join(SETTLE_MS + 10_000);
		}
		for (GroupViews group : views) {
			if (group.awaitSettled(deadline) < 0) {
				throw new IllegalStateException("A group did not settle in " + SETTLE_MS + " ms: " + group.describe());
			}
		}
	}

	/** Every member leaves; answers how many could not. */
	private static long leaveAll(List<Worker> workers) {
		long failed = 0;
		for (Worker worker : workers) {
			try {
				worker.member.leave();
			}
			catch (Exception ex) {
				failed++;
				System.err.println("Leave failed: " + ex);
			}
		}
		return failed;
	}

	private static final class Worker {

		private static final int MAX_ERRORS = 10;

		final HttpMember member;

		private final String call;

		private final String topic;

		final GroupViews group;

		private final AtomicLong budget;

		final Histogram latency = Results.histogram();

		final Histogram leaveLatency = Results.histogram();

		long calls;

		long errors;

		long lastEnd;

		Worker(HttpMember member, String call, String topic, GroupViews group, AtomicLong budget) {
			this.member = member;
			this.call = call;
			this.topic = topic;
			this.group = group;
			this.budget = budget;
		}

		/** Joins, then heartbeats every 50 ms until its group is settled or the deadline passes. */
		void settle(long deadline) {
			try {
				HttpMember.View joined = this.member.join(this.topic, "range");
				this.group.update(this.member.memberId(), joined);
				while (System.nanoTime() < deadline && !this.group.isSettled()) {
					this.group.update(this.member.memberId(), this.member.heartbeat());
					Thread.sleep(50);
				}
			}
			catch (Exception ex) {
				System.err.println("Settling failed: " + ex);
			}
		}

		void repeat(long measureFrom, long measureUntil) {
			while (System.nanoTime() < measureUntil && this.budget.decrementAndGet() >= 0 && this.errors < MAX_ERRORS) {
				long start = System.nanoTime();
				try {
					switch (this.call) {
						case "join" -> {
							this.member.join(this.topic, "range");
							long joined = System.nanoTime();
							this.member.leave();
							long left = System.nanoTime();
							if (left >= measureFrom) {
								Results.record(this.latency, joined - start);
								Results.record(this.leaveLatency, left - joined);
							}
						}
						case "poll" -> this.member.poll(0);
						case "heartbeat" -> this.member.heartbeat();
						default -> this.member.commit();
					}
					long end = System.nanoTime();
					if (end >= measureFrom) {
						if (!this.call.equals("join")) {
							Results.record(this.latency, end - start);
						}
						this.calls++;
						this.lastEnd = end;
					}
				}
				catch (Exception ex) {
					this.errors++;
					System.err.println(this.call + " failed: " + ex);
				}
			}
		}

	}

	private GroupCalls() {
	}

}
