package io.caudal.group;

import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.caudal.budget.Held;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.PartitionOffset;
import io.caudal.support.ReadRecords;
import io.caudal.topic.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Three coordinators ("nodes") sharing their groups through one PostgreSQL database, as Caudal nodes on a Kafka
 * cluster do: members call any node, no partition ever has two owners, each expiry happens once whichever nodes
 * sweep, and a member waiting on one node hears of a change made through another. Records live in one shared file
 * storage, standing in for the cluster; deadlines are in the database's time, moved with the fake clock by each
 * node's test offset.
 */
class SharedGroupCoordinatorTest {

	private static final String GROUP = "g";

	@TempDir
	Path dataDir;

	private CoordinatorHarness harness;

	private ExecutorService executor;

	@BeforeEach
	void start() {
		this.harness = CoordinatorHarness.shared(this.dataDir, 3);
		this.harness.createTopic("orders", 4);
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
		this.harness.close();
	}

	@Test
	void membersJoiningThroughDifferentNodesSplitThePartitionsAndNeverShareOne() {
		String first = node(0).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE).memberId();
		String second = node(1).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE).memberId();
		for (int round = 0; round < 6; round++) {
			GroupCoordinator through = node(round % 3);
			String member = (round % 2 == 0) ? first : second;
			through.heartbeat(GROUP, member, through.describe(GROUP).generation());
			assertThat(CoordinatorHarness.describedOwners(node((round + 1) % 3).describe(GROUP))).as("owners seen through another node")
				.hasSizeLessThanOrEqualTo(4);
		}
		GroupDescription described = node(2).describe(GROUP);
		assertThat(described.state()).isEqualTo(GroupState.STABLE);
		assertThat(described.leader()).isEqualTo(first);
		Map<TopicPartition, String> owners = CoordinatorHarness.describedOwners(described);
		assertThat(owners).hasSize(4);
		assertThat(owners.values()).containsOnly(first, second);
		assertThat(owners.values().stream().filter(first::equals)).hasSize(2);
		assertThat(this.harness.storedOwners(GROUP)).isEqualTo(owners);
	}

	@Test
	void anHttpMemberContinuesOnAnotherNodeFromItsPositionsAndCommitsThere() {
		for (int partition = 0; partition < 4; partition++) {
			this.harness.door.append("orders", partition, "\"a\"", "\"b\"", "\"c\"");
		}
		String member = node(0).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE).memberId();
		List<String> seen = new ArrayList<>();
		for (int call = 0; call < 8; call++) {
			Held<Polled> polled = node(call % 3).poll(GROUP, member, 2, 1 << 20, 0, null).join();
			ReadRecords.of(polled.value().records())
				.forEach(record -> seen.add(record.partition() + ":" + record.offset()));
			polled.release();
		}
		assertThat(seen).as("every record once, whichever node answered").hasSize(12).doesNotHaveDuplicates();

		List<PartitionOffset> committed = node(2).commit(GROUP, member, null, null);
		assertThat(committed).extracting(PartitionOffset::offset).containsOnly(3L);
		assertThat(node(1).describe(GROUP).offsets()).allSatisfy(lag -> assertThat(lag.lag()).isZero());
	}

	@Test
	void aSessionEndsOnceWhileEveryNodeSweepsAndALiveMemberStays() throws Exception {
		String silent = node(0).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE).memberId();
		String talking = node(1)
			.join(GROUP, new MemberConfig(List.of("orders"), 60_000, MemberConfig.DEFAULT_REBALANCE_TIMEOUT_MS,
					"range", AutoOffsetReset.EARLIEST, null), Transport.WEBSOCKET, null, MemberListener.NONE)
			.memberId();
		this.harness.time.advanceMs(31_000);
		node(2).heartbeat(GROUP, talking, null);

		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Void>> sweeps = new ArrayList<>();
		for (CoordinatorHarness.Node node : this.harness.nodes()) {
			for (int thread = 0; thread < 2; thread++) {
				sweeps.add(CompletableFuture.runAsync(() -> {
					awaitQuietly(go);
					node.coordinator().sweep();
				}, this.executor));
			}
		}
		go.countDown();
		CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new)).join();

		assertThat(this.harness.nodes().stream().mapToDouble(CoordinatorHarness.Node::expiredSessions).sum())
			.as("expiries over all nodes")
			.isEqualTo(1.0);
		GroupDescription described = node(0).describe(GROUP);
		assertThat(described.members()).extracting(GroupDescription.Member::memberId).containsExactly(talking);
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> node(1).heartbeat(GROUP, silent, null))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
	}

	@Test
	void aLongPollOnOneNodeEndsWhenAJoinThroughAnotherTakesPartitionsFromIt() {
		MemberAssignment joined = node(0).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE);
		node(1).start();
		CompletableFuture<Held<Polled>> waiting = node(1).poll(GROUP, joined.memberId(), 10, 1 << 20, 20_000,
				joined.generation());
		node(2).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE);

		Held<Polled> answer = await("the waiting poll's answer").atMost(Duration.ofSeconds(10))
			.until(() -> waiting.getNow(null), polled -> polled != null);
		assertThat(answer.value().assignment().generation()).isEqualTo(joined.generation() + 1);
		assertThat(answer.value().assignment().revoking()).hasSize(2);
		answer.release();
	}

	@Test
	void aCommitThroughAnyNodeIsFencedOnceThePartitionMovedOn() {
		MemberAssignment joined = node(0).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE);
		String later = node(1).join(GROUP, config(), Transport.HTTP, null, MemberListener.NONE).memberId();
		MemberAssignment told = node(2).heartbeat(GROUP, joined.memberId(), joined.generation());
		TopicPartition given = told.revoking().get(0);
		node(1).heartbeat(GROUP, joined.memberId(), told.generation());
		assertThat(node(0).heartbeat(GROUP, later, told.generation()).assignment()).contains(given);

		assertThatExceptionOfType(CaudalException.class)
			.isThrownBy(() -> node(2).commit(GROUP, joined.memberId(), List.of(PartitionOffset.of(given, 0)), null))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FENCED_MEMBER));
		assertThat(node(0).commit(GROUP, later, List.of(PartitionOffset.of(given, 0)), null)).hasSize(1);
	}

	private GroupCoordinator node(int index) {
		return this.harness.nodes().get(index).coordinator();
	}

	private static MemberConfig config() {
		return new MemberConfig(List.of("orders"), 30_000, MemberConfig.DEFAULT_REBALANCE_TIMEOUT_MS, "range",
				AutoOffsetReset.EARLIEST, null);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
