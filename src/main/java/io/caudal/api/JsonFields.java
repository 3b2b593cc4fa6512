package io.caudal.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.caudal.topic.JsonOutput;
import io.caudal.topic.TopicPartition;

/** Pieces of JSON the record answers share. Stateless. */
final class JsonFields {

	static final byte[] NULL = ascii("null");

	private static final byte[] TOPIC = ascii("{\"topic\":");

	private static final byte[] PARTITION = ascii(",\"partition\":");

	private JsonFields() {
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** {@code [{"topic":…,"partition":…},…]} */
	static void partitions(JsonOutput out, List<TopicPartition> partitions) {
		out.raw('[');
		for (int i = 0; i < partitions.size(); i++) {
			if (i > 0) {
				out.raw(',');
			}
			TopicPartition partition = partitions.get(i);
			out.raw(TOPIC).string(partition.topic()).raw(PARTITION).number(partition.partition()).raw('}');
		}
		out.raw(']');
	}

}
