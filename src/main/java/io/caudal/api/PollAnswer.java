package io.caudal.api;

import io.caudal.budget.Held;
import io.caudal.group.MemberAssignment;
import io.caudal.group.Polled;
import io.caudal.topic.JsonOutput;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;

/**
 * The answer to a group poll:
 * {@code {"generation":G,"leader":"…","assignment":[…],"revoking":[…],"records":[…]}}.
 *
 * @param held the member's assignment and the records delivered to it, and the memory they hold
 */
record PollAnswer(Held<Polled> held) implements RecordAnswer {

	private static final byte[] GENERATION = JsonFields.ascii("{\"generation\":");

	private static final byte[] LEADER = JsonFields.ascii(",\"leader\":");

	private static final byte[] ASSIGNMENT = JsonFields.ascii(",\"assignment\":");

	private static final byte[] REVOKING = JsonFields.ascii(",\"revoking\":");

	private static final byte[] RECORDS = JsonFields.ascii(",\"records\":[");

	@Override
	public void writeTo(JsonOutput out, RecordEncoder encoder) {
		Polled polled = this.held.value();
		MemberAssignment assignment = polled.assignment();
		out.raw(GENERATION).number(assignment.generation()).raw(LEADER);
		if (assignment.leader() != null) {
			out.string(assignment.leader());
		}
		else {
			out.raw(JsonFields.NULL);
		}
		out.raw(ASSIGNMENT);
		JsonFields.partitions(out, assignment.assignment());
		out.raw(REVOKING);
		JsonFields.partitions(out, assignment.revoking());
		out.raw(RECORDS);
		boolean first = true;
		for (PartitionRecords records : polled.records()) {
			first &= encoder.write(out, records, first) == 0;
		}
		out.raw(']').raw('}');
	}

	@Override
	public void release() {
		this.held.release();
	}

}
