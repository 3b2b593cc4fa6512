package io.caudal.group;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.caudal.budget.Held;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.PartitionOffset;
import io.caudal.support.ReadRecords;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The coordinator's rules, one scenario each, on a fake clock. */
class GroupCoordinatorTest {

	private static final int REBALANCE_MS = MemberConfig.DEFAULT_REBALANCE_TIMEOUT_MS;

	@TempDir
	Path dataDir;

	private CoordinatorHarness harness;

	private GroupCoordinator coordinator;

	@BeforeEach
	void start() throws Exception {
		this.harness = new CoordinatorHarness(this.dataDir);
		this.coordinator = this.harness.coordinator;
		this.harness.createTopic("orders", 4);
	}

	@AfterEach
	void stop() {
		this.harness.close();
	}

	@Test
	void theFirstMemberGetsEveryPartitionAndTheGroupIsStable() {
		MemberAssignment joined = join("g", config("orders"));
		assertThat(joined.generation()).isEqualTo(1);
		assertThat(joined.leader()).isEqualTo(joined.memberId());
		assertThat(joined.assignment()).containsExactly(tp(0), tp(1), tp(2), tp(3));
		assertThat(this.coordinator.describe("g").state()).isEqualTo(GroupState.STABLE);
	}

	@Test
	void aPartitionMovesOnlyAfterItsOwnerWasToldAndShowedItHeard() {
		String a = join("g", config("orders")).memberId();
		AtomicInteger bChanges = new AtomicInteger();
		MemberAssignment b = this.coordinator.join("g", config("orders"), Transport.WEBSOCKET, null, new MemberListener() {
			@Override
			public void assignmentChanged() {
				bChanges.incrementAndGet();
			}
		});
		assertThat(b.generation()).isEqualTo(2);
		assertThat(b.assignment()).isEmpty();
		assertThat(this.coordinator.describe("g").state()).isEqualTo(GroupState.RECONCILING);

		MemberAssignment told = heartbeatSeeingTheGroupsGeneration(a);
		assertThat(told.assignment()).containsExactly(tp(0), tp(1));
		assertThat(told.revoking()).containsExactly(tp(2), tp(3));
		assertThat(heartbeatSeeingTheGroupsGeneration(b.memberId()).assignment()).isEmpty();
		assertThat(this.harness.storedOwners("g")).containsEntry(tp(2), a).containsEntry(tp(3), a);

		assertThat(heartbeatSeeingTheGroupsGeneration(a).revoking()).isEmpty();
		assertThat(bChanges).hasValueGreaterThanOrEqualTo(1);
		assertThat(heartbeatSeeingTheGroupsGeneration(b.memberId()).assignment()).containsExactly(tp(2), tp(3));
		assertThat(this.harness.storedOwners("g")).containsEntry(tp(2), b.memberId()).containsEntry(tp(0), a);
		assertThat(this.coordinator.describe("g").state()).isEqualTo(GroupState.STABLE);
	}

	@Test
	void aRevokingPartitionMayStillBeCommittedAndTheCommitReleasesIt() {
		this.harness.produce("orders", 3, 5);
		String a = join("g", config("orders")).memberId();
		assertThat(ReadRecords.of(this.coordinator.poll("g", a, 100, 1 << 20, 0, null).join().value().records())).hasSize(5);
		String b = join("g", config("orders")).memberId();
		assertThat(heartbeatSeeingTheGroupsGeneration(a).revoking()).contains(tp(3));

		assertThat(this.coordinator.commit("g", a, null, null)).contains(new PartitionOffset("orders", 3, 5));
		assertThat(this.harness.storedOwners("g")).containsEntry(tp(3), b);
		assertThat(this.coordinator.poll("g", b, 100, 1 << 20, 0, null).join().value().assignment().assignment()).contains(tp(3));
		assertThatExceptionOfType(CaudalException.class)
			.isThrownBy(() -> this.coordinator.commit("g", a, List.of(new PartitionOffset("orders", 3, 1)), null))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FENCED_MEMBER));
		assertThat(this.coordinator.describe("g").offsets().get(3).committedOffset()).isEqualTo(5L);
	}

	@Test
	void aMemberKeepsItsRevokingPartitionsUntilItShowsItSawTheRevocation() {
		String a = join("g", config("orders")).memberId();
		String b = join("g", config("orders")).memberId();
		MemberAssignment told = this.coordinator.heartbeat("g", a, null);
		assertThat(told.revoking()).containsExactly(tp(2), tp(3));
		assertThat(this.coordinator.heartbeat("g", a, null).revoking()).containsExactly(tp(2), tp(3));
		assertThat(this.coordinator.heartbeat("g", a, told.generation() - 1).revoking()).containsExactly(tp(2), tp(3));
		assertThat(this.coordinator.poll("g", a, 10, 1 << 20, 0, null).join().value().assignment().revoking())
			.containsExactly(tp(2), tp(3));
		assertThat(this.coordinator.heartbeat("g", b, null).assignment()).isEmpty();

		this.coordinator.release("g", a, List.of(tp(2)));
		assertThat(this.coordinator.heartbeat("g", b, null).assignment()).containsExactly(tp(2));
		assertThat(this.coordinator.heartbeat("g", a, told.generation()).revoking()).isEmpty();
		assertThat(this.coordinator.heartbeat("g", b, null).assignment()).containsExactly(tp(2), tp(3));
	}

	@Test
	void aRevokingPartitionKeptPastTheRebalanceTimeoutMovesAndItsOwnerIsFenced() {
		this.harness.produce("orders", 3, 2);
		String a = join("g", new MemberConfig(List.of("orders"), 30_000, 1000, "range", AutoOffsetReset.EARLIEST, null))
			.memberId();
		assertThat(ReadRecords.of(this.coordinator.poll("g", a, 100, 1 << 20, 0, null).join().value().records()))
			.hasSize(2);
		String b = join("g", config("orders")).memberId();
		assertThat(this.coordinator.heartbeat("g", a, null).revoking()).containsExactly(tp(2), tp(3));
		this.harness.time.advanceMs(999);
		this.coordinator.sweep();
		assertThat(this.coordinator.heartbeat("g", b, null).assignment()).isEmpty();

		this.harness.time.advanceMs(2);
		this.coordinator.sweep();
		assertThat(this.coordinator.heartbeat("g", b, null).assignment()).containsExactly(tp(2), tp(3));
		assertThatExceptionOfType(CaudalException.class)
			.isThrownBy(() -> this.coordinator.commit("g", a, List.of(new PartitionOffset("orders", 3, 2)), null))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FENCED_MEMBER));
	}

	@Test
	void aDeliveryTellsTheMembersPositionInEachOfItsPartitions() {
		this.harness.produce("orders", 1, 3);
		String a = join("g", config("orders")).memberId();
		PollPlan plan = this.coordinator.plan("g", a, 0, null);
		List<PartitionRecords> reads = this.coordinator.read(plan, 2, 1 << 20);
		Delivered delivered = this.coordinator.deliver("g", a, reads.stream().map(Delivery::of).toList(), true, null);
		assertThat(ReadRecords.of(reads)).hasSize(2);
		assertThat(delivered.partitions()).containsExactly(tp(1));
		assertThat(delivered.positions()).isEqualTo(Map.of(tp(0), 0L, tp(1), 2L, tp(2), 0L, tp(3), 0L));
	}

	@Test
	void aDeliveryOfAPartitionTakenAwayMeanwhileHandsOverNothingWhenAllOrNothing() {
		this.harness.produce("orders", 3, 2);
		this.harness.produce("orders", 0, 2);
		String a = join("g", config("orders")).memberId();
		PollPlan plan = this.coordinator.plan("g", a, 0, null);
		List<PartitionRecords> reads = this.coordinator.read(plan, 100, 1 << 20);
		join("g", config("orders"));
		List<Delivery> deliveries = reads.stream().map(Delivery::of).toList();

		Delivered delivered = this.coordinator.deliver("g", a, deliveries, true, null);

		assertThat(delivered.assignment().revoking()).contains(tp(3));
		assertThat(delivered.partitions()).isEmpty();
		assertThat(delivered.positions()).containsEntry(tp(0), 0L);
	}

	@Test
	void aLongPollThatWaitsTakesTheGroupsLockTwice() {
		String a = join("g", config("orders")).memberId();
		long before = this.harness.lockRounds("g");
		CompletableFuture<Held<Polled>> waiting = this.coordinator.poll("g", a, 100, 1 << 20, 10_000, null);
		this.harness.produce("orders", 2, 1);
		assertThat(ReadRecords.of(waiting.join().value().records())).hasSize(1);
		assertThat(this.harness.lockRounds("g") - before).isEqualTo(2);
	}

	@Test
	void aSilentMemberExpiresOnTheClockAndItsPartitionsMove() {
		String quick = join("g", new MemberConfig(List.of("orders"), 1000, REBALANCE_MS, "range", AutoOffsetReset.LATEST, null))
			.memberId();
		String slow = join("g", new MemberConfig(List.of("orders"), 5000, REBALANCE_MS, "range", AutoOffsetReset.LATEST, null))
			.memberId();
		this.harness.time.advanceMs(999);
		this.coordinator.sweep();
		assertThat(this.coordinator.describe("g").members()).hasSize(2);
		this.harness.time.advanceMs(2);
		this.coordinator.sweep();
		assertThat(this.coordinator.describe("g").members()).extracting(GroupDescription.Member::memberId)
			.containsExactly(slow);
		assertThat(heartbeatSeeingTheGroupsGeneration(slow).assignment()).hasSize(4);
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> heartbeatSeeingTheGroupsGeneration(quick))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
	}

	@Test
	void aStaticMemberComingBackWithinItsSessionKeepsItsPartitionsWithoutANewGeneration() {
		MemberConfig fixed = new MemberConfig(List.of("orders"), 5000, REBALANCE_MS, "range", AutoOffsetReset.LATEST, "worker-1");
		String first = join("g", fixed).memberId();
		String other = join("g", config("orders")).memberId();
		heartbeatSeeingTheGroupsGeneration(first);
		heartbeatSeeingTheGroupsGeneration(first);
		heartbeatSeeingTheGroupsGeneration(other);
		int generation = this.coordinator.describe("g").generation();

		this.harness.time.advanceMs(4000);
		MemberAssignment again = join("g", fixed);
		assertThat(again.memberId()).isNotEqualTo(first);
		assertThat(again.generation()).isEqualTo(generation);
		assertThat(again.assignment()).containsExactly(tp(0), tp(1));
		assertThat(again.leader()).isEqualTo(again.memberId());
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> heartbeatSeeingTheGroupsGeneration(first))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
	}

	@Test
	void theLeaderIsTheEarliestJoinedMemberAndItsAssignorDecides() {
		String a = join("g", new MemberConfig(List.of("orders"), 5000, REBALANCE_MS, "roundrobin", AutoOffsetReset.LATEST, null))
			.memberId();
		String b = join("g", config("orders")).memberId();
		GroupDescription described = this.coordinator.describe("g");
		assertThat(described.leader()).isEqualTo(a);
		assertThat(described.assignor()).isEqualTo("roundrobin");
		this.coordinator.leave("g", a);
		described = this.coordinator.describe("g");
		assertThat(described.leader()).isEqualTo(b);
		assertThat(described.assignor()).isEqualTo("range");
	}

	@Test
	void partitionsAddedToATopicAreAssignedWithoutARestart() {
		String a = join("g", config("orders")).memberId();
		this.harness.topics.update("orders", 6, null);
		this.coordinator.sweep();
		MemberAssignment after = heartbeatSeeingTheGroupsGeneration(a);
		assertThat(after.generation()).isEqualTo(2);
		assertThat(after.assignment()).hasSize(6);
	}

	@Test
	void aDeletedTopicLeavesTheAssignmentAndTakesItsOffsets() {
		this.harness.createTopic("payments", 2);
		String a = join("g", config("orders", "payments")).memberId();
		this.coordinator.commit("g", a, List.of(new PartitionOffset("payments", 1, 0)), null);
		this.harness.topics.delete("payments");
		assertThat(this.harness.store.committedOffsets("g")).isEmpty();
		this.coordinator.sweep();
		assertThat(heartbeatSeeingTheGroupsGeneration(a).assignment()).allMatch(tp -> tp.topic().equals("orders"));
		assertThat(this.coordinator.describe("g").offsets()).allMatch(lag -> lag.topic().equals("orders"));
		assertThat(this.harness.store.committedOffsets("g")).isEmpty();
		assertThat(this.harness.storedOwners("g")).allSatisfy((tp, owner) -> assertThat(tp.topic()).isEqualTo("orders"));
	}

	@Test
	void aRestartKeepsMembersPartitionsAndOffsetsAndGivesFreshDeadlines() {
		this.harness.produce("orders", 0, 3);
		MemberAssignment joined = join("g",
				new MemberConfig(List.of("orders"), 2000, REBALANCE_MS, "range", AutoOffsetReset.EARLIEST, null));
		String a = joined.memberId();
		assertThat(ReadRecords.of(this.coordinator.poll("g", a, 2, 1 << 20, 0, null).join().value().records())).hasSize(2);
		this.coordinator.commit("g", a, null, null);
		this.harness.time.advanceMs(1900);

		GroupCoordinator restarted = this.harness.restarted();
		this.harness.time.advanceMs(1900);
		restarted.sweep();
		Polled polled = restarted.poll("g", a, 100, 1 << 20, 0, null).join().value();
		assertThat(polled.assignment().generation()).isEqualTo(joined.generation());
		assertThat(polled.assignment().assignment()).isEqualTo(joined.assignment());
		assertThat(ReadRecords.of(polled.records())).extracting(record -> record.offset()).containsExactly(2L);
	}

	@Test
	void withAutoOffsetResetNoneAPartitionWithoutCommitIsRefused() {
		String a = join("g", new MemberConfig(List.of("orders"), 5000, REBALANCE_MS, "range", AutoOffsetReset.NONE, null)).memberId();
		assertThatExceptionOfType(CaudalException.class)
			.isThrownBy(() -> this.coordinator.poll("g", a, 10, 1 << 20, 0, null))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_COMMITTED_OFFSET));
	}

	@Test
	void aLongPollEndsWhenARecordArrives() {
		String a = join("g", config("orders")).memberId();
		CompletableFuture<Held<Polled>> waiting = this.coordinator.poll("g", a, 10, 1 << 20, 30_000, null);
		assertThat(waiting).isNotDone();
		this.harness.produce("orders", 2, 1);
		await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
		assertThat(ReadRecords.of(waiting.join().value().records())).extracting(record -> record.partition()).containsExactly(2);
	}

	@Test
	void aLongPollEndsWhenTheMembersPartitionsArrive() {
		String a = join("g", config("orders")).memberId();
		String b = join("g", config("orders")).memberId();
		heartbeatSeeingTheGroupsGeneration(b);
		CompletableFuture<Held<Polled>> waiting = this.coordinator.poll("g", b, 10, 1 << 20, 30_000, null);
		assertThat(waiting).isNotDone();
		heartbeatSeeingTheGroupsGeneration(a);
		assertThat(waiting).isNotDone();
		heartbeatSeeingTheGroupsGeneration(a);
		await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
		assertThat(waiting.join().value().assignment().assignment()).containsExactly(tp(2), tp(3));
	}

	@Test
	void stateTransitionsOutsideTheGraphAreRefused() {
		ConsumerGroup group = new ConsumerGroup("g");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> group.transitionTo(GroupState.STABLE))
			.withMessageContaining("from EMPTY to STABLE")
			.withMessageContaining("[RECONCILING]");
		group.transitionTo(GroupState.RECONCILING);
		group.transitionTo(GroupState.STABLE);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> group.transitionTo(GroupState.STABLE));
		group.transitionTo(GroupState.EMPTY);
		assertThat(GroupState.EMPTY.validPreviousStates()).containsExactlyInAnyOrder(GroupState.RECONCILING,
				GroupState.STABLE);
	}

	@Test
	void offsetsResetOnlyWhileTheGroupIsEmpty() {
		this.harness.produce("orders", 1, 4);
		List<PartitionOffset> reset = this.coordinator.resetOffsets("g", "orders", List.of(1), "latest");
		assertThat(reset).containsExactly(new PartitionOffset("orders", 1, 4));
		assertThat(this.coordinator.list()).extracting(GroupSummary::group).containsExactly("g");
		join("g", config("orders"));
		assertThatExceptionOfType(CaudalException.class)
			.isThrownBy(() -> this.coordinator.resetOffsets("g", "orders", null, "earliest"))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.GROUP_NOT_EMPTY));
		assertThat(this.harness.store.committedOffsets("g")).isEqualTo(Map.of(tp(1), 4L));
	}

	@Test
	void aMembershipThatCannotBeStoredIsRefusedAndTheGroupGoesBackToTheStoredState() {
		MemberAssignment first = join("g", config("orders"));
		this.harness.jdbc.sql("ALTER TABLE group_members ADD CONSTRAINT one_member CHECK (join_order < 1)").update();
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> join("g", config("orders")))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
		this.harness.jdbc.sql("ALTER TABLE group_members DROP CONSTRAINT one_member").update();

		GroupDescription described = this.coordinator.describe("g");
		assertThat(described.members()).extracting(GroupDescription.Member::memberId).containsExactly(first.memberId());
		assertThat(described.generation()).isEqualTo(first.generation());
		assertThat(heartbeatSeeingTheGroupsGeneration(first.memberId()).assignment()).hasSize(4);
		assertThat(this.harness.storedOwners("g")).hasSize(4).containsValue(first.memberId());
		assertThat(join("g", config("orders")).generation()).isEqualTo(first.generation() + 1);
	}

	/** The heartbeat of a member that read every answer it was given, and says so. */
	private MemberAssignment heartbeatSeeingTheGroupsGeneration(String memberId) {
		return this.coordinator.heartbeat("g", memberId, this.coordinator.describe("g").generation());
	}

	private MemberAssignment join(String group, MemberConfig config) {
		return this.coordinator.join(group, config, Transport.HTTP, null, MemberListener.NONE);
	}

	private static MemberConfig config(String... topics) {
		return new MemberConfig(List.of(topics), 30_000, REBALANCE_MS, "range", AutoOffsetReset.EARLIEST, null);
	}

	private static TopicPartition tp(int partition) {
		return new TopicPartition("orders", partition);
	}

}
