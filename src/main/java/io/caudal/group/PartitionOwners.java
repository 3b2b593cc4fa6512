package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import io.caudal.topic.TopicPartition;

/**
 * Who owns each partition of a group, and for a partition being revoked, which generation's answer told its owner
 * and until when the owner may keep it. A revoked partition is released only on proof that its owner heard (a call
 * carrying that generation or a later one, a commit of everything delivered from it), when the owner leaves, or when
 * its rebalance timeout passes; nothing else lets it go, so concurrent calls of one member are safe. Not
 * thread-safe: the group's lock guards it.
 */
final class PartitionOwners {

	private final Map<TopicPartition, Ownership> owners = new HashMap<>();

	/** No revocation runs out before this, in nanoseconds; a lower bound of every release deadline. */
	private long nextDeadlineNanos = Long.MAX_VALUE;

	/**
	 * @param memberId the owner
	 * @param revokedGeneration the generation whose answer told the owner to give the partition up, or null
	 * @param releaseDeadlineNanos when a revoked partition is released whatever the owner says
	 */
	record Ownership(String memberId, Integer revokedGeneration, long releaseDeadlineNanos) {

		boolean revoking() {
			return this.revokedGeneration != null;
		}

	}

	Ownership get(TopicPartition tp) {
		return this.owners.get(tp);
	}

	boolean isOwned(TopicPartition tp) {
		return this.owners.containsKey(tp);
	}

	Set<TopicPartition> partitions() {
		return this.owners.keySet();
	}

	/** Gives a free partition to a member. */
	void give(TopicPartition tp, String memberId) {
		this.owners.put(tp, new Ownership(memberId, null, 0));
	}

	/** Puts back an ownership as stored; a revoked one gets the owner's whole rebalance timeout from now. */
	void restore(TopicPartition tp, String memberId, Integer revokedGeneration, long releaseDeadlineNanos) {
		this.owners.put(tp, new Ownership(memberId, revokedGeneration, releaseDeadlineNanos));
		if (revokedGeneration != null) {
			earlierDeadline(releaseDeadlineNanos);
		}
	}

	/** The member's partitions, being revoked or not, in topic then partition order. */
	List<TopicPartition> ownedBy(String memberId, boolean revoking) {
		List<TopicPartition> partitions = new ArrayList<>();
		this.owners.forEach((tp, ownership) -> {
			if (ownership.memberId().equals(memberId) && ownership.revoking() == revoking) {
				partitions.add(tp);
			}
		});
		partitions.sort(PartitionAssignor.ORDER);
		return partitions;
	}

	/** Every partition the member owns, revoking or not. */
	Set<TopicPartition> owned(String memberId) {
		Set<TopicPartition> owned = new HashSet<>();
		this.owners.forEach((tp, ownership) -> {
			if (ownership.memberId().equals(memberId)) {
				owned.add(tp);
			}
		});
		return owned;
	}

	/** Whether the member owns, without being told to give it up, a partition its target no longer includes. */
	boolean hasUntargeted(String memberId, Map<TopicPartition, String> target) {
		for (Map.Entry<TopicPartition, Ownership> entry : this.owners.entrySet()) {
			Ownership ownership = entry.getValue();
			if (ownership.memberId().equals(memberId) && !ownership.revoking()
					&& !memberId.equals(target.get(entry.getKey()))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells the member to give up the partitions its target no longer includes: they become revoked by
	 * {@code generation}, to be released by {@code releaseDeadlineNanos} at the latest.
	 * @return the partitions revoked now
	 */
	List<TopicPartition> revokeUntargeted(String memberId, Map<TopicPartition, String> target, int generation,
			long releaseDeadlineNanos) {
		List<TopicPartition> revoked = new ArrayList<>();
		this.owners.replaceAll((tp, ownership) -> {
			if (ownership.memberId().equals(memberId) && !ownership.revoking() && !memberId.equals(target.get(tp))) {
				revoked.add(tp);
				return new Ownership(memberId, generation, releaseDeadlineNanos);
			}
			return ownership;
		});
		if (!revoked.isEmpty()) {
			earlierDeadline(releaseDeadlineNanos);
		}
		return revoked;
	}

	/** Releases the member's revoked partitions whose revoking generation it has seen. */
	List<TopicPartition> releaseSeen(String memberId, int seenGeneration) {
		return releaseWhere((tp, ownership) -> ownership.memberId().equals(memberId)
				&& ownership.revokedGeneration() <= seenGeneration);
	}

	/** Releases those of the member's revoked partitions that {@code released} picks. */
	List<TopicPartition> releaseRevoked(String memberId, Predicate<TopicPartition> released) {
		return releaseWhere((tp, ownership) -> ownership.memberId().equals(memberId) && released.test(tp));
	}

	/** Releases every revoked partition whose owner kept it past its rebalance timeout. */
	List<TopicPartition> releaseOverdue(long nowNanos) {
		if (nowNanos - this.nextDeadlineNanos < 0) {
			return List.of();
		}
		List<TopicPartition> released = releaseWhere(
				(tp, ownership) -> nowNanos - ownership.releaseDeadlineNanos() >= 0);
		this.nextDeadlineNanos = Long.MAX_VALUE;
		this.owners.values().forEach(ownership -> {
			if (ownership.revoking()) {
				earlierDeadline(ownership.releaseDeadlineNanos());
			}
		});
		return released;
	}

	/** Frees every partition the member owns. @return them */
	List<TopicPartition> removeMember(String memberId) {
		return removeWhere((tp, ownership) -> ownership.memberId().equals(memberId));
	}

	/** Frees the partitions {@code gone} picks, whoever owns them (their topic was deleted, say). @return them */
	List<TopicPartition> removePartitions(Predicate<TopicPartition> gone) {
		return removeWhere((tp, ownership) -> gone.test(tp));
	}

	/**
	 * A member's place taken by its new incarnation: what it reads passes on; what it was giving up is free, since
	 * the new one was never told about it.
	 * @return the partitions whose owner changed
	 */
	List<TopicPartition> transfer(String previousId, String memberId) {
		List<TopicPartition> touched = new ArrayList<>();
		for (Map.Entry<TopicPartition, Ownership> entry : List.copyOf(this.owners.entrySet())) {
			if (entry.getValue().memberId().equals(previousId)) {
				TopicPartition tp = entry.getKey();
				if (entry.getValue().revoking()) {
					this.owners.remove(tp);
				}
				else {
					give(tp, memberId);
				}
				touched.add(tp);
			}
		}
		return touched;
	}

	/** Whether every partition of the target is owned by its target member and none is being revoked. */
	boolean matches(Map<TopicPartition, String> target) {
		for (Map.Entry<TopicPartition, Ownership> entry : this.owners.entrySet()) {
			if (entry.getValue().revoking() || !entry.getValue().memberId().equals(target.get(entry.getKey()))) {
				return false;
			}
		}
		return this.owners.keySet().containsAll(target.keySet());
	}

	private List<TopicPartition> releaseWhere(BiPredicate<TopicPartition, Ownership> released) {
		return removeWhere((tp, ownership) -> ownership.revoking() && released.test(tp, ownership));
	}

	private List<TopicPartition> removeWhere(BiPredicate<TopicPartition, Ownership> removed) {
		List<TopicPartition> partitions = new ArrayList<>();
		this.owners.entrySet().removeIf(entry -> {
			if (removed.test(entry.getKey(), entry.getValue())) {
				partitions.add(entry.getKey());
				return true;
			}
			return false;
		});
		return partitions;
	}

	private void earlierDeadline(long deadlineNanos) {
		if (this.nextDeadlineNanos == Long.MAX_VALUE || deadlineNanos - this.nextDeadlineNanos < 0) {
			this.nextDeadlineNanos = deadlineNanos;
		}
	}

}
