package io.caudal.api;

import java.util.List;

import io.caudal.group.GroupDescription;
import io.caudal.security.AccessControl;
import io.caudal.security.ResourceType;
import io.caudal.group.GroupSummary;
import io.caudal.group.MemberAssignment;
import io.caudal.offset.PartitionOffset;
import io.caudal.topic.TopicPartition;
import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of consumer group answers. */
final class GroupResponses {

	private GroupResponses() {
	}

	@Schema(example = """
			{"memberId":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11","generation":1,\
			"leader":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11","assignment":[{"topic":"orders","partition":0}],\
			"revoking":[]}""")
	record Joined(String memberId, int generation,
			@Schema(description = "The leader's member id, or null while the group has none", types = { "string", "null" }) String leader,
			@Schema(description = "The partitions the member owns") List<TopicPartition> assignment,
			@Schema(description = "Partitions the member is to give up") List<TopicPartition> revoking) {

		static Joined of(MemberAssignment assignment) {
			return new Joined(assignment.memberId(), assignment.generation(), assignment.leader(),
					assignment.assignment(), assignment.revoking());
		}

	}

	@Schema(example = """
			{"generation":2,"leader":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11",\
			"assignment":[{"topic":"orders","partition":0}],"revoking":[{"topic":"orders","partition":1}]}""")
	record HeartbeatAnswer(int generation,
			@Schema(description = "The leader's member id, or null while the group has none", types = { "string", "null" }) String leader,
			@Schema(description = "The partitions the member owns") List<TopicPartition> assignment,
			@Schema(description = "Partitions the member is to give up") List<TopicPartition> revoking) {

		static HeartbeatAnswer of(MemberAssignment assignment) {
			return new HeartbeatAnswer(assignment.generation(), assignment.leader(), assignment.assignment(),
					assignment.revoking());
		}

	}

	@Schema(example = """
			{"offsets":[{"topic":"orders","partition":0,"offset":42}]}""")
	record GroupOffsets(List<PartitionOffset> offsets) {
	}

	@Schema(example = """
			{"group":"billing","state":"STABLE","members":2}""")
	record GroupListing(String group, @Schema(allowableValues = { "EMPTY", "RECONCILING", "STABLE" }) String state,
			int members) {

		static GroupListing of(GroupSummary summary) {
			return new GroupListing(summary.group(), summary.state().name(), summary.members());
		}

	}

	@Schema(example = """
			{"group":"billing","state":"STABLE","generation":2,"leader":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11",\
			"assignor":"range","members":[{"memberId":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11","instanceId":null,\
			"transport":"http","topics":["orders"],"assignment":[{"topic":"orders","partition":0}],"revoking":[]}],\
			"offsets":[{"topic":"orders","partition":0,"committedOffset":42,"endOffset":50,"lag":8},\
			{"topic":"orders","partition":1,"committedOffset":null,"endOffset":7,"lag":null}],\
			"authorizedOperations":["READ","DELETE","ALTER","DESCRIBE"]}""")
	record GroupDetails(String group, @Schema(allowableValues = { "EMPTY", "RECONCILING", "STABLE" }) String state,
			int generation,
			@Schema(description = "The leader's member id, or null while the group has none", types = { "string", "null" }) String leader,
			@Schema(description = "The leader's assignor (range, roundrobin or sticky), or null while the group has no "
					+ "member", types = { "string", "null" })
			String assignor, List<MemberDetails> members,
			@Schema(description = "Every partition of the topics the group reads or has offsets for")
			List<PartitionLag> offsets,
			@Schema(description = TopicResponses.AUTHORIZED_OPERATIONS) List<String> authorizedOperations) {

		static GroupDetails of(GroupDescription description, AccessControl access) {
			return new GroupDetails(description.group(), description.state().name(), description.generation(),
					description.leader(), description.assignor(),
					description.members().stream().map(MemberDetails::of).toList(),
					description.offsets().stream().map(PartitionLag::of).toList(),
					access.authorizedOperations(ResourceType.GROUP, description.group()));
		}

	}

	record PartitionLag(String topic, int partition,
			@Schema(description = "The next offset the group reads, or null without a commit",
					types = { "integer", "null" }, format = "int64") Long committedOffset,
			long endOffset,
			@Schema(description = "endOffset minus committedOffset, or null without a commit",
					types = { "integer", "null" }, format = "int64") Long lag) {

		static PartitionLag of(GroupDescription.PartitionLag lag) {
			return new PartitionLag(lag.topic(), lag.partition(), lag.committedOffset(), lag.endOffset(), lag.lag());
		}

	}

	/** The document's view of a {@link PollAnswer}, which is written straight from stored bytes. */
	@Schema(description = "The member's assignment and the records delivered to it", example = """
			{"generation":2,"leader":"5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11",\
			"assignment":[{"topic":"orders","partition":0}],"revoking":[],\
			"records":[{"topic":"orders","partition":0,"offset":41,"timestamp":1764000000000,\
			"key":"user-42","value":{"amount":10},"headers":{}}]}""")
	record Polled(int generation,
			@Schema(description = "The leader's member id, or null while the group has none", types = { "string", "null" }) String leader,
			@Schema(description = "The partitions the member owns") List<TopicPartition> assignment,
			@Schema(description = "Partitions the member is to give up: no more records come from them")
			List<TopicPartition> revoking, List<RecordResponses.ConsumerRecord> records) {
	}

	record MemberDetails(String memberId,
			@Schema(description = "The static instance id, or null", types = { "string", "null" }) String instanceId,
			@Schema(allowableValues = { "http", "websocket" }) String transport, List<String> topics,
			List<TopicPartition> assignment, List<TopicPartition> revoking) {

		static MemberDetails of(GroupDescription.Member member) {
			return new MemberDetails(member.memberId(), member.instanceId(), member.transport().wireName(),
					member.topics(), member.assignment(), member.revoking());
		}

	}

}
