package io.caudal.group;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.PartitionOffset;
import io.caudal.support.ReadRecords;
import io.caudal.topic.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random join / leave / expire / poll / heartbeat / commit / produce / grow sequences against the
 * real coordinator and database, on a fake clock, on one node or through three sharing the database. After every step: no partition has two owners,
 * the database's owners (which fence commits) equal the coordinator's, and every accepted commit
 * came from the partition's owner at that moment. Once the group is left alone, every partition of
 * a subscribed topic ends owned by exactly one member that reads the topic.
 *
 * <p>
 * The seed is printed; rerun one with {@code -Dcaudal.seed=N}. {@code -Dcaudal.rounds=N} runs more
 * groups (a local soak).
 */
class GroupCoordinatorPropertyTest {

	private static final int REBALANCE_MS = MemberConfig.DEFAULT_REBALANCE_TIMEOUT_MS;

	private static final long SEED = Long.getLong("caudal.seed", System.nanoTime());

	private static final int ROUNDS = Integer.getInteger("caudal.rounds", 6);

	private static final int STEPS = 200;

	@TempDir
	Path dataDir;

	@Test
	void randomMembershipChangesNeverBreakOwnership() throws Exception {
		System.out.println("GroupCoordinatorPropertyTest seed " + SEED + " (rerun with -Dcaudal.seed=" + SEED + ")");
		try (CoordinatorHarness harness = new CoordinatorHarness(this.dataDir)) {
			for (int round = 0; round < ROUNDS; round++) {
				new Round(harness, new Random(SEED + round), round).run();
			}
		}
	}

	/** The same through three nodes sharing the groups in PostgreSQL, each call through a node picked at random. */
	@Test
	void randomMembershipChangesThroughNodesSharingTheDatabaseNeverBreakOwnership() throws Exception {
		System.out.println("GroupCoordinatorPropertyTest seed " + SEED + " (rerun with -Dcaudal.seed=" + SEED + ")");
		try (CoordinatorHarness harness = CoordinatorHarness.shared(this.dataDir, 3)) {
			for (int round = 0; round < Math.max(1, ROUNDS / 2); round++) {
				new Round(harness, new Random(SEED + round), round).run();
			}
		}
	}

	/** One group's random history. */
	private static final class Round {

		private final CoordinatorHarness harness;

		private final Random random;

		private final String group;

		private final List<String> topics;

		private final List<String> knownMembers = new ArrayList<>();

		private final List<String> steps = new ArrayList<>();

		/** The generation of each member's last answer, which it may or may not mention in its next call. */
		private final Map<String, Integer> seen = new HashMap<>();

		Round(CoordinatorHarness harness, Random random, int round) {
			this.harness = harness;
			this.random = random;
			this.group = "group-" + round;
			this.topics = List.of("a" + round, "b" + round);
			harness.createTopic(this.topics.get(0), 3);
			harness.createTopic(this.topics.get(1), 2);
		}

		void run() {
			for (int step = 0; step < STEPS; step++) {
				int dice = this.random.nextInt(100);
				if (dice < 15) {
					join();
				}
				else if (dice < 20) {
					call("leave", member -> coordinator().leave(this.group, member));
				}
				else if (dice < 38) {
					call("heartbeat", member -> remember(member, coordinator().heartbeat(this.group, member, seen(member))));
				}
				else if (dice < 62) {
					call("poll", this::poll);
				}
				else if (dice < 82) {
					call("commit", this::commit);
				}
				else if (dice < 92) {
					long ms = this.random.nextInt(1500);
					this.steps.add("advance " + ms + " ms");
					this.harness.time.advanceMs(ms);
					coordinator().sweep();
				}
				else if (dice < 99) {
					String topic = this.topics.get(this.random.nextInt(2));
					int partition = this.random.nextInt(this.harness.topics.topic(topic).partitions());
					this.steps.add("produce " + topic + "-" + partition);
					this.harness.produce(topic, partition, 1 + this.random.nextInt(3));
				}
				else {
					String topic = this.topics.get(1);
					int partitions = this.harness.topics.topic(topic).partitions() + 1;
					this.steps.add("grow " + topic + " to " + partitions);
					this.harness.topics.update(topic, partitions, null);
				}
				checkOwnership();
			}
			settleAndCheckEveryPartitionIsOwned();
		}

		private void join() {
			List<String> subscribed = new ArrayList<>();
			for (String topic : this.topics) {
				if (this.random.nextBoolean()) {
					subscribed.add(topic);
				}
			}
			if (subscribed.isEmpty()) {
				subscribed.add(this.topics.get(this.random.nextInt(2)));
			}
			String assignor = PartitionAssignor.NAMES.get(this.random.nextInt(PartitionAssignor.NAMES.size()));
			String instanceId = (this.random.nextInt(5) == 0) ? "instance-" + this.random.nextInt(2) : null;
			int timeout = this.random.nextBoolean() ? 1000 : 3000;
			MemberAssignment joined = coordinator().join(this.group,
					new MemberConfig(subscribed, timeout, REBALANCE_MS, assignor, AutoOffsetReset.EARLIEST, instanceId), Transport.HTTP, null,
					MemberListener.NONE);
			this.knownMembers.add(joined.memberId());
			remember(joined.memberId(), joined);
			this.steps.add("join " + joined.memberId() + " " + subscribed + " " + assignor + " " + instanceId);
		}

		private void poll(String member) {
			Polled polled = coordinator()
				.poll(this.group, member, 1 + this.random.nextInt(5), 1 << 20, 0, seen(member))
				.join()
				.value();
			remember(member, polled.assignment());
			Map<TopicPartition, Long> lastOffset = new HashMap<>();
			for (ReadRecords.ReadRecord record : ReadRecords.of(polled.records())) {
				TopicPartition tp = new TopicPartition(record.topic(), record.partition());
				assertThat(polled.assignment().assignment()).as(trace()).contains(tp);
				Long previous = lastOffset.put(tp, record.offset());
				if (previous != null) {
					assertThat(record.offset()).as(trace()).isEqualTo(previous + 1);
				}
			}
		}

		private void commit(String member) {
			Map<TopicPartition, String> ownersBefore = owners();
			List<PartitionOffset> explicit = null;
			if (this.random.nextBoolean()) {
				String topic = this.topics.get(this.random.nextInt(2));
				int partition = this.random.nextInt(this.harness.topics.topic(topic).partitions());
				long end = this.harness.fetch.state(new TopicPartition(topic, partition)).endOffset();
				explicit = List.of(new PartitionOffset(topic, partition, (long) (this.random.nextDouble() * (end + 1))));
			}
			List<PartitionOffset> committed = coordinator().commit(this.group, member, explicit, null);
			Map<TopicPartition, Long> stored = this.harness.store.committedOffsets(this.group);
			for (PartitionOffset offset : committed) {
				assertThat(ownersBefore.get(offset.topicPartition())).as("owner of %s when %s committed it; %s",
						offset.topicPartition(), member, trace())
					.isEqualTo(member);
				assertThat(stored.get(offset.topicPartition())).as(trace()).isEqualTo(offset.offset());
			}
		}

		private Integer seen(String member) {
			return this.random.nextBoolean() ? this.seen.get(member) : null;
		}

		private void remember(String member, MemberAssignment answer) {
			this.seen.put(member, answer.generation());
		}

		/** Calls an operation on a random member ever known; departed ones must be told they are unknown. */
		private void call(String operation, Consumer<String> action) {
			if (this.knownMembers.isEmpty()) {
				return;
			}
			String member = this.knownMembers.get(this.random.nextInt(this.knownMembers.size()));
			this.steps.add(operation + " " + member);
			boolean present = owners().containsValue(member) || isMember(member);
			try {
				action.accept(member);
			}
			catch (CaudalException ex) {
				if (ex.code() == ErrorCode.UNKNOWN_MEMBER) {
					assertThat(present).as("%s refused as unknown though present; %s", member, trace()).isFalse();
				}
				else {
					assertThat(ex.code()).as(trace()).isEqualTo(ErrorCode.FENCED_MEMBER);
				}
			}
		}

		private boolean isMember(String member) {
			return description().members().stream().anyMatch(m -> m.memberId().equals(member));
		}

		private void checkOwnership() {
			assertThat(this.harness.storedOwners(this.group)).as(trace()).isEqualTo(owners());
		}

		private void settleAndCheckEveryPartitionIsOwned() {
			// The sweep is what follows partition counts of grown topics, as it does every 250 ms in a server.
			coordinator().sweep();
			for (int pass = 0; pass < 10 && description().state() == GroupState.RECONCILING; pass++) {
				for (GroupDescription.Member member : description().members()) {
					coordinator().heartbeat(this.group, member.memberId(), description().generation());
				}
			}
			GroupDescription settled = description();
			Map<TopicPartition, String> owners = owners();
			Set<String> subscribed = new HashSet<>();
			settled.members().forEach(member -> subscribed.addAll(member.topics()));
			Set<TopicPartition> expected = new HashSet<>();
			for (String topic : subscribed) {
				for (int p = 0; p < this.harness.topics.topic(topic).partitions(); p++) {
					expected.add(new TopicPartition(topic, p));
				}
			}
			assertThat(owners.keySet()).as(trace()).isEqualTo(expected);
			for (GroupDescription.Member member : settled.members()) {
				assertThat(member.assignment()).as(trace()).allMatch(tp -> member.topics().contains(tp.topic()));
				assertThat(member.revoking()).as(trace()).isEmpty();
			}
			if (!settled.members().isEmpty()) {
				assertThat(settled.state()).as(trace()).isEqualTo(GroupState.STABLE);
			}
			checkOwnership();
		}

		private Map<TopicPartition, String> owners() {
			return CoordinatorHarness.describedOwners(description());
		}

		private GroupDescription description() {
			try {
				return coordinator().describe(this.group);
			}
			catch (CaudalException ex) {
				assertThat(ex.code()).isEqualTo(ErrorCode.GROUP_NOT_FOUND);
				return new GroupDescription(this.group, GroupState.EMPTY, 0, null, null, List.of(), List.of());
			}
		}

		/** The node this call goes through: on several nodes, any of them. */
		private GroupCoordinator coordinator() {
			return this.harness.anyNode(this.random);
		}

		private String trace() {
			int from = Math.max(0, this.steps.size() - 12);
			return "seed " + SEED + ", " + this.group + ", last steps " + this.steps.subList(from, this.steps.size());
		}

	}

}
