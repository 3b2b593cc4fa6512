package io.caudal.ws;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.caudal.error.CaudalException;
import io.caudal.group.MemberAssignment;
import io.caudal.offset.PartitionOffset;
import io.caudal.topic.TopicPartition;

/**
 * A message from the server to a client: one JSON text frame whose {@code type} names the record
 * below that it holds. The {@code records} frames are written from the stored bytes instead
 * ({@link RecordsFrame}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ServerMessage.Joined.class, name = "joined"),
		@JsonSubTypes.Type(value = ServerMessage.Assignment.class, name = "assignment"),
		@JsonSubTypes.Type(value = ServerMessage.Committed.class, name = "committed"),
		@JsonSubTypes.Type(value = ServerMessage.Problem.class, name = "error") })
sealed interface ServerMessage {

	/**
	 * {@code {"type":"joined","memberId":…,"generation":…,"leader":…}}: the socket is a member of
	 * its group.
	 * @param memberId the member the socket is
	 * @param generation the group's generation when it joined
	 * @param leader the leader's member id
	 */
	record Joined(String memberId, int generation, String leader) implements ServerMessage {

		static Joined of(MemberAssignment joined) {
			return new Joined(joined.memberId(), joined.generation(), joined.leader());
		}

	}

	/**
	 * {@code {"type":"assignment","generation":…,"leader":…,"partitions":[…],"revoking":[…]}}: what
	 * a member owns, sent after every change.
	 * @param generation the group's generation
	 * @param leader the leader's member id
	 * @param partitions the partitions whose records the socket gets, in topic then partition order
	 * @param revoking partitions the member must give up: no more records come from them, the client
	 * may still commit them, and they go once it commits, sends any other message, or the rebalance
	 * timeout passes
	 */
	record Assignment(int generation, String leader, List<TopicPartition> partitions,
			List<TopicPartition> revoking) implements ServerMessage {

		static Assignment of(MemberAssignment assignment) {
			return new Assignment(assignment.generation(), assignment.leader(), assignment.assignment(),
					assignment.revoking());
		}

	}

	/**
	 * {@code {"type":"committed","offsets":[{"topic":…,"partition":…,"offset":…}]}}: the answer to a
	 * {@code commit} message.
	 * @param offsets the offsets committed, in topic then partition order
	 */
	record Committed(List<PartitionOffset> offsets) implements ServerMessage {
	}

	/**
	 * {@code {"type":"error","code":…,"message":…}}: a request that failed.
	 * @param code one of the contract's codes, as in HTTP problems
	 * @param message a sentence naming what was wrong
	 */
	record Problem(String code, String message) implements ServerMessage {

		static Problem of(CaudalException ex) {
			return new Problem(ex.code().name(), ex.getMessage());
		}

	}

}
