package io.caudal.api;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of consumer group requests. */
final class GroupRequests {

	private GroupRequests() {
	}

	@Schema(description = "A member joining a group", example = """
			{"topics":["orders"],"sessionTimeoutMs":30000,"rebalanceTimeoutMs":30000,"assignor":"range",\
			"autoOffsetReset":"earliest","instanceId":null}""")
	record JoinRequest(@ArraySchema(arraySchema = @Schema(description = "Topics to read, at least one; each must exist",
			requiredMode = Schema.RequiredMode.REQUIRED), minItems = 1) List<String> topics,
			@Schema(description = "How long the member may stay silent before it is removed, 1000 to 300000 ms; "
					+ "default 30000", minimum = "1000", maximum = "300000") Integer sessionTimeoutMs,
			@Schema(description = "How long the member may keep a partition it was told to give up without showing "
					+ "it heard (a call with that generation, a commit of everything delivered from it), 1000 to "
					+ "300000 ms; default 30000. After it the partition moves on and the member's commits for it are "
					+ "refused.", minimum = "1000", maximum = "300000") Integer rebalanceTimeoutMs,
			@Schema(description = "range (default), roundrobin or sticky; the leader's is used",
					allowableValues = { "range", "roundrobin", "sticky" }) String assignor,
			@Schema(description = "Where to start a partition without a committed offset: earliest, latest "
					+ "(default) or none", allowableValues = { "earliest", "latest", "none" }) String autoOffsetReset,
			@Schema(description = "A static instance id: rejoining with it within the session timeout gives back "
					+ "the same partitions without a rebalance", types = { "string", "null" }) String instanceId) {
	}

	@Schema(description = "Offsets to commit; without 'offsets' (or without a body) the positions delivered so far "
			+ "are committed; an empty list is refused",
			example = """
					{"offsets":[{"topic":"orders","partition":0,"offset":42}],"generation":3}""")
	record CommitRequest(
			@ArraySchema(arraySchema = @Schema(description = "Explicit offsets, each the next offset to read"),
					minItems = 1) List<CommitOffset> offsets,
			@Schema(description = "The generation the member last saw; a stale one is refused") Integer generation) {
	}

	record CommitOffset(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String topic,
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") Integer partition,
			@Schema(description = "The next offset to read", requiredMode = Schema.RequiredMode.REQUIRED,
					minimum = "0") Long offset) {
	}

	@Schema(description = "Where to move a group's committed offsets", example = """
			{"topic":"orders","partitions":[0,1],"to":"earliest"}""")
	record ResetRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String topic,
			@ArraySchema(arraySchema = @Schema(description = "Partitions to reset; every partition of the topic when "
					+ "absent; an empty list is refused"), minItems = 1) List<Integer> partitions,
			@Schema(description = "earliest, latest, offset:N or timestamp:T (epoch ms)",
					requiredMode = Schema.RequiredMode.REQUIRED,
					pattern = "^(earliest|latest|offset:[0-9]+|timestamp:[0-9]+)$") String to) {
	}

}
