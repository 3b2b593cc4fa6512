package io.caudal.security;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import io.caudal.config.CaudalProperties;

import org.springframework.stereotype.Component;

/**
 * Per-principal caps on what a client holds for long (sockets, event streams, waiting long polls), so that one
 * client can no longer take every socket or waiting-poll slot of the server. (Group members are counted in the
 * database, where they live.) With security off there are no principals to tell apart and only the server-wide caps
 * apply. On a Kafka cluster, what the principal holds on the other nodes counts too, as {@link SharedHolds} last
 * read it.
 */
@Component
public class PrincipalSlots {

	/** What is counted. */
	public enum Kind {

		SOCKETS, STREAMS, WAITING_POLLS

	}

	/** Gives a slot back; a second call does nothing. */
	@FunctionalInterface
	public interface Slot {

		Slot NONE = () -> {
		};

		void release();

	}

	private final boolean enabled;

	private final Map<Kind, Integer> limits = new EnumMap<>(Kind.class);

	private final Map<Kind, Map<CaudalPrincipal, Integer>> held = new EnumMap<>(Kind.class);

	/** By kind and by principal ({@code type:name}). */
	private volatile Map<Kind, Map<String, Integer>> heldElsewhere = Map.of();

	PrincipalSlots(CaudalProperties properties) {
		this.enabled = properties.security().enabled();
		this.limits.put(Kind.SOCKETS, properties.security().maxSocketsPerPrincipal());
		this.limits.put(Kind.STREAMS, properties.security().maxStreamsPerPrincipal());
		this.limits.put(Kind.WAITING_POLLS, properties.security().maxWaitingPollsPerPrincipal());
		for (Kind kind : Kind.values()) {
			this.held.put(kind, new ConcurrentHashMap<>());
		}
	}

	/** The cap of a kind, for messages. */
	public int limit(Kind kind) {
		return this.limits.get(kind);
	}

	/**
	 * Runs a poll that may wait {@code waitMs}: with a waiting slot of the principal, held until the poll completes,
	 * or without waiting when the principal holds its cap, as past the server-wide cap.
	 * @param poll starts the poll with the wait it may have
	 */
	public <T> CompletableFuture<T> waiting(CaudalPrincipal principal, long waitMs, LongFunction<CompletableFuture<T>> poll) {
		Slot slot = (waitMs > 0) ? tryTake(principal, Kind.WAITING_POLLS) : Slot.NONE;
		CompletableFuture<T> result;
		try {
			result = poll.apply((slot != null) ? waitMs : 0);
		}
		catch (RuntimeException ex) {
			if (slot != null) {
				slot.release();
			}
			throw ex;
		}
		if (slot != null) {
			result.whenComplete((value, failure) -> slot.release());
		}
		return result;
	}

	/** Takes a slot, or answers null when the principal holds its cap. */
	public Slot tryTake(CaudalPrincipal principal, Kind kind) {
		if (!this.enabled) {
			return Slot.NONE;
		}
		Map<CaudalPrincipal, Integer> counts = this.held.get(kind);
		int limit = this.limits.get(kind);
		int elsewhere = this.heldElsewhere.getOrDefault(kind, Map.of()).getOrDefault(principal.toString(), 0);
		boolean[] taken = new boolean[1];
		counts.compute(principal, (key, count) -> {
			int now = (count != null) ? count : 0;
			if (now + elsewhere >= limit) {
				return count;
			}
			taken[0] = true;
			return now + 1;
		});
		if (!taken[0]) {
			return null;
		}
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) {
				// Emptied entries go, so the map holds only principals that hold something.
				counts.computeIfPresent(principal, (key, count) -> (count > 1) ? count - 1 : null);
			}
		};
	}

	/** What each principal holds on this node now, by kind; only principals that hold something. */
	Map<Kind, Map<CaudalPrincipal, Integer>> heldHere() {
		Map<Kind, Map<CaudalPrincipal, Integer>> copy = new EnumMap<>(Kind.class);
		this.held.forEach((kind, counts) -> copy.put(kind, Map.copyOf(counts)));
		return copy;
	}

	/** Takes in what the principals hold on the other nodes, by kind and by principal ({@code type:name}). */
	void updateHeldElsewhere(Map<Kind, Map<String, Integer>> counts) {
		this.heldElsewhere = counts;
	}

}
