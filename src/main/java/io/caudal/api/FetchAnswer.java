package io.caudal.api;

import io.caudal.topic.JsonOutput;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;

/**
 * The answer to a fetch: {@code {"records":[…],"nextOffset":N,"startOffset":S,"endOffset":E}}.
 *
 * @param records what was read
 */
record FetchAnswer(PartitionRecords records) implements RecordAnswer {

	private static final byte[] RECORDS = JsonFields.ascii("{\"records\":[");

	private static final byte[] NEXT_OFFSET = JsonFields.ascii("],\"nextOffset\":");

	private static final byte[] START_OFFSET = JsonFields.ascii(",\"startOffset\":");

	private static final byte[] END_OFFSET = JsonFields.ascii(",\"endOffset\":");

	@Override
	public void writeTo(JsonOutput out, RecordEncoder encoder) {
		out.raw(RECORDS);
		encoder.write(out, this.records, true);
		out.raw(NEXT_OFFSET)
			.number(this.records.nextOffset())
			.raw(START_OFFSET)
			.number(this.records.startOffset())
			.raw(END_OFFSET)
			.number(this.records.endOffset())
			.raw('}');
	}

}
