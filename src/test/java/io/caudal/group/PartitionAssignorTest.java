package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.error.CaudalException;
import io.caudal.topic.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The three assignors: completeness, balance, Kafka's layouts, and stickiness across membership changes. */
class PartitionAssignorTest {

	private static final Map<String, Integer> ORDERS_7 = Map.of("orders", 7);

	@ParameterizedTest
	@ValueSource(strings = { "range", "roundrobin", "sticky" })
	void everyPartitionGoesToExactlyOneMemberWithinOneOfBalance(String name) {
		PartitionAssignor assignor = PartitionAssignor.named(name);
		for (int members = 1; members <= 9; members++) {
			for (int partitions = 1; partitions <= 20; partitions++) {
				Map<String, List<TopicPartition>> assignment = assignor.assign(members(members, "orders"),
						Map.of("orders", partitions), Map.of());
				assertThat(assignment).hasSize(members);
				assertCoversExactly(assignment, Map.of("orders", partitions));
				IntSummaryStatistics loads = assignment.values().stream().mapToInt(List::size).summaryStatistics();
				assertThat(loads.getMax() - loads.getMin()).as("%s: %d members, %d partitions", name, members, partitions)
					.isLessThanOrEqualTo(1);
			}
		}
	}

	@Test
	void rangeGivesContiguousRangesTopicByTopicInJoinOrder() {
		Map<String, List<TopicPartition>> assignment = PartitionAssignor.named("range")
			.assign(members(3, "orders", "payments"), Map.of("orders", 7, "payments", 2), Map.of());
		assertThat(assignment.get("m0")).containsExactly(tp("orders", 0), tp("orders", 1), tp("orders", 2),
				tp("payments", 0));
		assertThat(assignment.get("m1")).containsExactly(tp("orders", 3), tp("orders", 4), tp("payments", 1));
		assertThat(assignment.get("m2")).containsExactly(tp("orders", 5), tp("orders", 6));
	}

	@Test
	void roundRobinDealsPartitionsInTurnAndSkipsMembersNotSubscribed() {
		List<PartitionAssignor.Subscription> members = List.of(sub("a", "orders", "payments"), sub("b", "orders"),
				sub("c", "payments"));
		Map<String, List<TopicPartition>> assignment = PartitionAssignor.named("roundrobin")
			.assign(members, Map.of("orders", 3, "payments", 3), Map.of());
		assertThat(assignment.get("a")).containsExactly(tp("orders", 0), tp("orders", 2), tp("payments", 1));
		assertThat(assignment.get("b")).containsExactly(tp("orders", 1));
		assertThat(assignment.get("c")).containsExactly(tp("payments", 0), tp("payments", 2));
		assertCoversExactly(assignment, Map.of("orders", 3, "payments", 3));
	}

	@ParameterizedTest
	@ValueSource(strings = { "range", "roundrobin", "sticky" })
	void membersOnlyGetTopicsTheySubscribeTo(String name) {
		List<PartitionAssignor.Subscription> members = List.of(sub("a", "orders"), sub("b", "payments"),
				sub("c", "orders", "payments"));
		Map<String, Integer> counts = Map.of("orders", 5, "payments", 4);
		Map<String, List<TopicPartition>> assignment = PartitionAssignor.named(name).assign(members, counts, Map.of());
		assertCoversExactly(assignment, counts);
		assertThat(assignment.get("a")).allMatch(tp -> tp.topic().equals("orders"));
		assertThat(assignment.get("b")).allMatch(tp -> tp.topic().equals("payments"));
	}

	@Test
	void stickyMovesOnlyWhatANewMemberNeeds() {
		PartitionAssignor sticky = PartitionAssignor.named("sticky");
		Map<String, List<TopicPartition>> before = sticky.assign(members(2, "orders"), Map.of("orders", 6), Map.of());
		Map<String, List<TopicPartition>> after = sticky.assign(members(3, "orders"), Map.of("orders", 6),
				asSets(before));
		assertThat(moved(before, after)).isEqualTo(2);
		assertThat(after.values()).allMatch(partitions -> partitions.size() == 2);
		assertThat(after.get("m0")).isSubsetOf(before.get("m0"));
		assertThat(after.get("m1")).isSubsetOf(before.get("m1"));
	}

	@Test
	void stickyHandsALeaversPartitionsOutAndLeavesTheRestAlone() {
		PartitionAssignor sticky = PartitionAssignor.named("sticky");
		Map<String, List<TopicPartition>> before = sticky.assign(members(4, "orders"), Map.of("orders", 9), Map.of());
		List<PartitionAssignor.Subscription> remaining = List.of(sub("m0", "orders"), sub("m2", "orders"),
				sub("m3", "orders"));
		Map<String, List<TopicPartition>> after = sticky.assign(remaining, Map.of("orders", 9), asSets(before));
		for (String member : List.of("m0", "m2", "m3")) {
			assertThat(after.get(member)).containsAll(before.get(member));
		}
		assertThat(after.values()).allMatch(partitions -> partitions.size() == 3);
		assertCoversExactly(after, Map.of("orders", 9));
	}

	@Test
	void stickyKeepsEverythingWhenNothingChangesAndPicksUpNewPartitions() {
		PartitionAssignor sticky = PartitionAssignor.named("sticky");
		Map<String, List<TopicPartition>> before = sticky.assign(members(3, "orders"), ORDERS_7, Map.of());
		assertThat(sticky.assign(members(3, "orders"), ORDERS_7, asSets(before))).isEqualTo(before);
		Map<String, List<TopicPartition>> grown = sticky.assign(members(3, "orders"), Map.of("orders", 10),
				asSets(before));
		before.forEach((member, partitions) -> assertThat(grown.get(member)).containsAll(partitions));
		assertCoversExactly(grown, Map.of("orders", 10));
	}

	@Test
	void stickyDropsPartitionsOfTopicsThatAreGone() {
		PartitionAssignor sticky = PartitionAssignor.named("sticky");
		Map<String, List<TopicPartition>> before = sticky.assign(members(2, "orders", "payments"),
				Map.of("orders", 2, "payments", 2), Map.of());
		Map<String, List<TopicPartition>> after = sticky.assign(members(2, "orders", "payments"), Map.of("orders", 2),
				asSets(before));
		assertCoversExactly(after, Map.of("orders", 2));
	}

	@ParameterizedTest
	@ValueSource(strings = { "range", "roundrobin", "sticky" })
	void theSameInputGivesTheSameTarget(String name) {
		PartitionAssignor assignor = PartitionAssignor.named(name);
		Map<String, Integer> counts = Map.of("orders", 11, "payments", 5);
		assertThat(assignor.assign(members(4, "orders", "payments"), counts, Map.of()))
			.isEqualTo(assignor.assign(members(4, "orders", "payments"), counts, Map.of()));
	}

	@Test
	void anUnknownAssignorIsRefused() {
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> PartitionAssignor.named("cooperative"))
			.withMessageContaining("range, roundrobin, sticky");
	}

	private static List<PartitionAssignor.Subscription> members(int count, String... topics) {
		List<PartitionAssignor.Subscription> members = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			members.add(sub("m" + i, topics));
		}
		return members;
	}

	private static PartitionAssignor.Subscription sub(String memberId, String... topics) {
		return new PartitionAssignor.Subscription(memberId, Set.of(topics));
	}

	private static TopicPartition tp(String topic, int partition) {
		return new TopicPartition(topic, partition);
	}

	private static Map<String, Set<TopicPartition>> asSets(Map<String, List<TopicPartition>> assignment) {
		Map<String, Set<TopicPartition>> sets = new HashMap<>();
		assignment.forEach((member, partitions) -> sets.put(member, new HashSet<>(partitions)));
		return sets;
	}

	private static long moved(Map<String, List<TopicPartition>> before, Map<String, List<TopicPartition>> after) {
		return after.entrySet()
			.stream()
			.mapToLong(entry -> entry.getValue()
				.stream()
				.filter(tp -> !before.getOrDefault(entry.getKey(), List.of()).contains(tp))
				.count())
			.sum();
	}

	private static void assertCoversExactly(Map<String, List<TopicPartition>> assignment, Map<String, Integer> counts) {
		List<TopicPartition> all = assignment.values().stream().flatMap(List::stream).toList();
		assertThat(new HashSet<>(all)).hasSameSizeAs(all);
		Set<TopicPartition> expected = new HashSet<>();
		counts.forEach((topic, partitions) -> {
			for (int p = 0; p < partitions; p++) {
				expected.add(tp(topic, p));
			}
		});
		assertThat(new HashSet<>(all)).isEqualTo(expected);
	}

}
