package io.caudal.kafka;

import java.nio.ByteBuffer;
import java.util.Optional;

import io.caudal.topic.IdempotencyMark;
import io.caudal.topic.MarkedBatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The header that carries a request's {@link IdempotencyMark} into Kafka, on the first record of each partition's
 * batch: stored with the records, so it is there exactly when they are. Caudal's readers never see it; Kafka's own
 * consumers do, under a name that says whose it is.
 * <p>
 * Value, big-endian: the key hash (8 bytes), the partition count (2), the body hash (4), the batch's record count (4).
 */
final class IdempotencyHeader {

	static final String NAME = "caudal.idempotency";

	private static final int LENGTH = 18;

	private IdempotencyHeader() {
	}

	static byte[] value(IdempotencyMark mark, int recordCount) {
		return ByteBuffer.allocate(LENGTH)
			.putLong(mark.keyHash())
			.putShort(mark.partitionCount())
			.putInt(mark.bodyHash())
			.putInt(recordCount)
			.array();
	}

	/** The batch a record starts, if it carries the header (a malformed one, written by someone else, is ignored). */
	static Optional<MarkedBatch> read(ConsumerRecord<byte[], byte[]> record) {
		Header header = record.headers().lastHeader(NAME);
		if (header == null || header.value() == null || header.value().length != LENGTH) {
			return Optional.empty();
		}
		ByteBuffer value = ByteBuffer.wrap(header.value());
		IdempotencyMark mark = new IdempotencyMark(value.getLong(), value.getShort(), value.getInt());
		return Optional.of(new MarkedBatch(mark, record.partition(), record.offset(), value.getInt()));
	}

}
