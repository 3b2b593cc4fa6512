package io.caudal.offset;

import java.util.List;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.support.PostgresTestServer;
import io.caudal.topic.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The store with the real schema on both databases Caudal runs on; each test rolls back. */
class JdbcOffsetStoreTest {

	@Nested
	class OnH2 extends Cases {

	}

	@Nested
	@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
	class OnPostgres extends Cases {

		@DynamicPropertySource
		static void postgres(DynamicPropertyRegistry registry) {
			PostgresTestServer.shared().useNewDatabase(registry);
		}

	}

	/**
	 * What the store does, whatever the database. {@code @JdbcTest} sits here, on the class that declares the
	 * tests, because Spring looks for a test method's {@code @Transactional} there: on the nested classes alone it
	 * would let the tests commit.
	 */
	@JdbcTest
	@Import({ JdbcOffsetStore.class, DatabaseClock.class })
	abstract static class Cases {

		private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

		private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

		@Autowired
		JdbcOffsetStore store;

		@BeforeEach
		void memberOwningOrders0() {
			this.store.apply(new GroupChanges("billing", 3, false,
					List.of(member("m1", 3), member("m2", 3)), List.of(),
					List.of(new StoredPartition(ORDERS_0, "m1", "m1", null, null, null), new StoredPartition(ORDERS_1, "m2", "m2", 3, null, null)),
					List.of()));
		}

		@Test
		void theOwnerCommitsAndTheOffsetsReadBack() {
			this.store.commit("billing", "m1", 3, List.of(new PartitionOffset("orders", 0, 42)), 1000);
			this.store.commit("billing", "m1", null, List.of(new PartitionOffset("orders", 0, 43)), 2000);
			assertThat(this.store.committedOffsets("billing")).isEqualTo(Map.of(ORDERS_0, 43L));
			assertThat(this.store.loadCommittedOffsets()).isEqualTo(Map.of("billing", Map.of(ORDERS_0, 43L)));
		}

		@Test
		void aRevokingOwnerMayStillCommit() {
			this.store.commit("billing", "m2", 3, List.of(new PartitionOffset("orders", 1, 7)), 1000);
			assertThat(this.store.committedOffsets("billing")).containsEntry(ORDERS_1, 7L);
		}

		@Test
		void aCommitWithOnePartitionNotOwnedWritesNothing() {
			assertThatExceptionOfType(CaudalException.class)
				.isThrownBy(() -> this.store.commit("billing", "m1", null,
						List.of(new PartitionOffset("orders", 0, 5), new PartitionOffset("orders", 1, 5)), 1000))
				.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FENCED_MEMBER))
				.withMessageContaining("orders-1");
			assertThat(this.store.committedOffsets("billing")).isEmpty();
		}

		@Test
		void aStaleGenerationOrAnUnknownMemberWritesNothing() {
			assertThatExceptionOfType(CaudalException.class)
				.isThrownBy(() -> this.store.commit("billing", "m1", 2, List.of(new PartitionOffset("orders", 0, 5)), 1000))
				.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FENCED_MEMBER));
			assertThatExceptionOfType(CaudalException.class)
				.isThrownBy(() -> this.store.commit("billing", "gone", null, List.of(new PartitionOffset("orders", 0, 5)),
						1000))
				.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
			assertThat(this.store.committedOffsets("billing")).isEmpty();
		}

		@Test
		void membershipChangesAreWrittenAndLoadedBack() {
			this.store.apply(new GroupChanges("billing", 4, false, List.of(member("m1", 4), member("m3", 0)), List.of("m2"),
					List.of(new StoredPartition(ORDERS_1, "m3", null, null, null, null)), List.of()));
			StoredGroup loaded = this.store.loadGroups().get(0);
			assertThat(loaded.groupId()).isEqualTo("billing");
			assertThat(loaded.generation()).isEqualTo(4);
			assertThat(loaded.members()).extracting(StoredMember::memberId).containsExactly("m1", "m3");
			assertThat(loaded.members().get(0)).isEqualTo(member("m1", 4));
			assertThat(loaded.partitions()).containsExactly(new StoredPartition(ORDERS_0, "m1", "m1", null, null, null),
					new StoredPartition(ORDERS_1, "m3", null, null, null, null));

			this.store.apply(new GroupChanges("billing", 4, false, List.of(), List.of(), List.of(), List.of(ORDERS_1)));
			assertThat(this.store.loadGroups().get(0).partitions()).hasSize(1);
			this.store.apply(new GroupChanges("billing", 4, true, List.of(), List.of(), List.of(), List.of()));
			assertThat(this.store.loadGroups()).isEmpty();
		}

		@Test
		void sharedGroupsKeepDeadlinesAndPositionsInDatabaseTimeAndMoveTheirVersionWithEveryWrite() {
			long version = this.store.lockGroup("billing").orElseThrow();
			long now = this.store.databaseTimeMs();
			assertThat(now).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
			StoredMember silent = new StoredMember("m4", null, "http", List.of("orders"), 30000, 30000, "range",
					"latest", 4, 3, now - 1, "key:billing");
			StoredPartition revoked = new StoredPartition(ORDERS_1, "m1", "m2", 3, 17L, now + 60_000);
			this.store.apply(new GroupChanges("billing", 3, false, List.of(silent), List.of(), List.of(revoked),
					List.of()));
			StoredGroup loaded = this.store.loadGroup("billing").orElseThrow();
			assertThat(loaded.members()).contains(silent);
			assertThat(loaded.partitions()).contains(revoked);
			assertThat(loaded.version()).isEqualTo(version + 1);
			assertThat(this.store.groupsDue(now)).as("a session past its deadline").containsExactly("billing");
			assertThat(this.store.groupsDue(now - 2)).isEmpty();

			this.store.commit("billing", "m2", null, List.of(new PartitionOffset("orders", 1, 17)), 1000);
			assertThat(this.store.groupVersions()).as("a commit moves the version too")
				.containsEntry("billing", version + 2);
			assertThat(this.store.countMembers("key:billing", "http")).isEqualTo(1);
			assertThat(this.store.countMembers("key:billing", "websocket")).isZero();
			assertThat(this.store.lockGroup("nobody")).isEmpty();
			assertThat(this.store.loadGroup("nobody")).isEmpty();
		}

		@Test
		void resetDeleteAndTopicCleanupTouchOnlyTheirRows() {
			this.store.resetOffsets("billing", List.of(new PartitionOffset("orders", 0, 1), new PartitionOffset("pay", 0, 2)),
					1000);
			this.store.resetOffsets("audit", List.of(new PartitionOffset("orders", 0, 9)), 1000);
			this.store.deleteOffsetsOfTopic("orders");
			assertThat(this.store.loadCommittedOffsets())
				.isEqualTo(Map.of("billing", Map.of(new TopicPartition("pay", 0), 2L)));
			this.store.deleteGroup("billing");
			assertThat(this.store.loadCommittedOffsets()).isEmpty();
			assertThat(this.store.loadGroups()).isEmpty();
		}

		private static StoredMember member(String memberId, int generation) {
			return new StoredMember(memberId, null, "http", List.of("orders"), 30000, 30000, "range", "latest",
					memberId.charAt(1) - '0', generation, null, null);
		}

	}

}
