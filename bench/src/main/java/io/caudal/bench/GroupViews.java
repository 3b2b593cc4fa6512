package io.caudal.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The latest view of every member of one group, as their answers gave them, and the moment the group was first seen
 * settled: {@code members} members, every one at the same generation, above a given one, none with a partition to
 * give up, and every partition of the topic owned by exactly one of them. That moment is the arrival of the answer
 * that completed the picture. Thread-safe: the members' threads report, one thread waits.
 */
final class GroupViews {

	private final int partitions;

	private final Map<String, HttpMember.View> views = new HashMap<>();

	private final Set<String> gone = new HashSet<>();

	private int members;

	private int aboveGeneration;

	private long settledAt = -1;

	private Map<String, HttpMember.View> settledViews = Map.of();

	private long answersSinceExpect;

	GroupViews(int partitions) {
		this.partitions = partitions;
	}

	/** From now on, waits for {@code members} members settled at a generation above {@code aboveGeneration}. */
	synchronized void expect(int members, int aboveGeneration) {
		this.members = members;
		this.aboveGeneration = aboveGeneration;
		this.settledAt = -1;
		this.answersSinceExpect = 0;
	}

	synchronized void update(String memberId, HttpMember.View view) {
		if (this.gone.contains(memberId)) {
			return;
		}
		this.views.put(memberId, view);
		this.answersSinceExpect++;
		if (this.settledAt < 0 && settled()) {
			this.settledAt = view.at();
			this.settledViews = new HashMap<>(this.views);
			notifyAll();
		}
	}

	/** The member left: its view goes, and answers still on their way from it are ignored. */
	synchronized void remove(String memberId) {
		this.gone.add(memberId);
		this.views.remove(memberId);
	}

	/**
	 * Waits until the group is settled as {@link #expect expected}.
	 * @return when it was first seen settled ({@link System#nanoTime()}), or -1 if it was not by {@code deadline}
	 */
	synchronized long awaitSettled(long deadline) throws InterruptedException {
		long left;
		while (this.settledAt < 0 && (left = deadline - System.nanoTime()) > 0) {
			wait(Math.max(1, left / 1_000_000));
		}
		return this.settledAt;
	}

	synchronized boolean isSettled() {
		return this.settledAt >= 0;
	}

	/** The views that made up the settled picture, once there was one. */
	synchronized Collection<HttpMember.View> settledViews() {
		return this.settledViews.values();
	}

	/** The answers the members got since {@link #expect}. */
	synchronized long answersSinceExpect() {
		return this.answersSinceExpect;
	}

	/** The generation all members share once settled. */
	synchronized int generation() {
		return this.views.values().stream().mapToInt(HttpMember.View::generation).max().orElse(0);
	}

	/** Which member owns each partition, as they see it now. */
	synchronized Map<Integer, String> owners() {
		Map<Integer, String> owners = new HashMap<>();
		this.views.forEach((member, view) -> view.assignment().forEach(p -> owners.put(p, member)));
		return owners;
	}

	/** How far from settled, for a report when the wait timed out. */
	synchronized String describe() {
		Map<Integer, Integer> byGeneration = new HashMap<>();
		int revoking = 0;
		Set<Integer> owned = new HashSet<>();
		for (HttpMember.View view : this.views.values()) {
			byGeneration.merge(view.generation(), 1, Integer::sum);
			revoking += view.revoking().size();
			owned.addAll(view.assignment());
		}
		return this.views.size() + " members (expected " + this.members + "), by generation " + byGeneration + ", "
				+ revoking + " partitions being given up, " + owned.size() + " of " + this.partitions + " owned";
	}

	private boolean settled() {
		if (this.views.size() != this.members) {
			return false;
		}
		int generation = -1;
		int owned = 0;
		Set<Integer> distinct = new HashSet<>();
		for (HttpMember.View view : this.views.values()) {
			if (generation < 0) {
				generation = view.generation();
			}
			if (view.generation() != generation || generation <= this.aboveGeneration || !view.revoking().isEmpty()) {
				return false;
			}
			owned += view.assignment().size();
			distinct.addAll(view.assignment());
		}
		return owned == this.partitions && distinct.size() == this.partitions;
	}

}
