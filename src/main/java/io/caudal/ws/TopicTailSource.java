package io.caudal.ws;

import java.util.List;

import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicTail;

/** A tail socket's records: every partition of a topic, followed by a {@link TopicTail}. */
final class TopicTailSource implements RecordSource {

	private final TopicTail tail;

	private final RecordEncoder encoder;

	TopicTailSource(TopicTail tail, RecordEncoder encoder) {
		this.tail = tail;
		this.encoder = encoder;
	}

	@Override
	public RecordsFrame next(int maxRecords, long maxBytes) {
		List<PartitionRecords> reads = this.tail.read(maxRecords, (int) Math.min(maxBytes, Integer.MAX_VALUE));
		if (reads.isEmpty()) {
			return null;
		}
		RecordsFrame frame = RecordsFrame.encode(this.encoder, reads, maxBytes);
		for (int i = 0; i < reads.size(); i++) {
			RecordEncoder.Written written = frame.written().get(i);
			if (written.records() > 0) {
				this.tail.delivered(reads.get(i).partition().partition(), written.nextOffset());
			}
		}
		return frame;
	}

	@Override
	public void awaitRecords(Runnable wakeup) {
		this.tail.await(wakeup);
	}

	@Override
	public boolean changed() {
		return this.tail.changed();
	}

	@Override
	public void close() {
		this.tail.close();
	}

}
