package io.caudal.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.caudal.topic.JsonOutput;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;

/**
 * A {@code {"type":"records","records":[…]}} frame, written as UTF-8 bytes straight from the stored bytes, within
 * a byte budget: the room left in the socket's send buffer, counted as encoded. Records that do not fit are left
 * out and, since their reader moves its positions only past what a frame holds, read again for the next frame.
 *
 * @param bytes the frame
 * @param records how many records it holds
 * @param written what was written of each read, in the order given
 * @param whenWritten what to run once the socket has written the frame, or null
 */
record RecordsFrame(ByteBuffer bytes, int records, List<RecordEncoder.Written> written, Runnable whenWritten) {

	private static final byte[] START = "{\"type\":\"records\",\"records\":[".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END = "]}".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Writes as many of the records as fit in {@code maxBytes}, in order; the first record is written whatever its
	 * size, so that a large record still goes out.
	 */
	static RecordsFrame encode(RecordEncoder encoder, List<PartitionRecords> reads, long maxBytes) {
		long expected = Math.min(maxBytes, RecordEncoder.estimatedBytes(reads));
		JsonOutput out = JsonOutput.inMemory((int) Math.min(expected + 256, Integer.MAX_VALUE - 8));
		out.raw(START);
		long limit = maxBytes - END.length;
		List<RecordEncoder.Written> written = new ArrayList<>(reads.size());
		int records = 0;
		for (PartitionRecords read : reads) {
			if (records > 0 && out.size() >= limit) {
				written.add(new RecordEncoder.Written(0, read.fromOffset()));
				continue;
			}
			RecordEncoder.Written part = encoder.write(out, read, records == 0, limit);
			records += part.records();
			written.add(part);
		}
		out.raw(END);
		return new RecordsFrame(out.toByteBuffer(), records, List.copyOf(written), null);
	}

	/** This frame, running {@code action} once the socket has written it. */
	RecordsFrame whenWritten(Runnable action) {
		return new RecordsFrame(this.bytes, this.records, this.written, action);
	}

}
