package io.caudal.ws;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.PartitionOffset;

/**
 * A message from a client to the server: one JSON text frame whose {@code type} names the record
 * below that it holds. Read strictly, like HTTP requests: unknown fields and wrong types are
 * refused.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ClientMessage.Credit.class, name = "credit"),
		@JsonSubTypes.Type(value = ClientMessage.Commit.class, name = "commit"),
		@JsonSubTypes.Type(value = ClientMessage.Ack.class, name = "ack") })
sealed interface ClientMessage {

	/**
	 * {@code {"type":"credit","records":N}}: lets the server send N more records.
	 * @param records at least 1; null when missing
	 */
	record Credit(Long records) implements ClientMessage {
	}

	/**
	 * {@code {"type":"ack","generation":N}}: the client has read the assignment of generation N, so the partitions
	 * it was told to give up by then may go to their new owners.
	 * @param generation the generation of the assignment read; null when missing
	 */
	record Ack(Integer generation) implements ClientMessage {
	}

	/**
	 * {@code {"type":"commit"}} commits every position delivered to a group socket;
	 * {@code {"type":"commit","offsets":[{"topic":…,"partition":…,"offset":…}]}} commits those
	 * offsets. As over HTTP, {@code "generation"} may be added, and a stale one is refused.
	 * @param offsets null for everything delivered, else at least one
	 * @param generation the generation the client last saw, or null
	 */
	record Commit(List<Offset> offsets, Integer generation) implements ClientMessage {

		/**
		 * The offsets to commit, as the coordinator takes them.
		 * @return null for everything delivered
		 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for an empty list or an offset
		 * missing a field
		 */
		List<PartitionOffset> partitionOffsets() {
			if (this.offsets == null) {
				return null;
			}
			if (this.offsets.isEmpty()) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST,
						"A commit's \"offsets\" holds at least one offset; leave it out to commit what was delivered.");
			}
			List<PartitionOffset> checked = new ArrayList<>(this.offsets.size());
			for (int i = 0; i < this.offsets.size(); i++) {
				Offset offset = this.offsets.get(i);
				if (offset == null || offset.topic() == null || offset.partition() == null || offset.offset() == null) {
					throw new CaudalException(ErrorCode.INVALID_REQUEST,
							"Offset " + i + " of the commit needs \"topic\", \"partition\" and \"offset\".");
				}
				checked.add(new PartitionOffset(offset.topic(), offset.partition(), offset.offset()));
			}
			return checked;
		}

		/**
		 * One offset to commit: the next offset to read in a partition.
		 * @param topic the topic
		 * @param partition the partition number
		 * @param offset the offset
		 */
		record Offset(String topic, Integer partition, Long offset) {
		}

	}

}
