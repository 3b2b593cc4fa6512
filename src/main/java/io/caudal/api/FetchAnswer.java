package io.caudal.api;

import io.caudal.budget.Held;
import io.caudal.topic.JsonOutput;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;

/**
 * The answer to a fetch: {@code {"records":[…],"nextOffset":N,"startOffset":S,"endOffset":E}}.
 *
 * @param held what was read, and the memory it holds
 */
record FetchAnswer(Held<PartitionRecords> held) implements RecordAnswer {

	private static final byte[] RECORDS = JsonFields.ascii("{\"records\":[");

	private static final byte[] NEXT_OFFSET = JsonFields.ascii("],\"nextOffset\":");

	private static final byte[] START_OFFSET = JsonFields.ascii(",\"startOffset\":");

	private static final byte[] END_OFFSET = JsonFields.ascii(",\"endOffset\":");

	@Override
	public void writeTo(JsonOutput out, RecordEncoder encoder) {
		PartitionRecords records = this.held.value();
		out.raw(RECORDS);
		encoder.write(out, records, true);
		out.raw(NEXT_OFFSET)
			.number(records.nextOffset())
			.raw(START_OFFSET)
			.number(records.startOffset())
			.raw(END_OFFSET)
			.number(records.endOffset())
			.raw('}');
	}

	@Override
	public void release() {
		this.held.release();
	}

}
