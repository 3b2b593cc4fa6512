package io.caudal.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordCursor;
import io.caudal.topic.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Records fetched from a Kafka partition, as every engine's records are read above the door. The consumer already
 * copied each record's fields into arrays; a cursor lays the current record's fields out in one buffer. Caudal's
 * own marks ({@link IdempotencyHeader}) stay hidden. Immutable.
 */
final class KafkaRecords implements PartitionRecords {

	private final TopicPartition partition;

	private final List<ConsumerRecord<byte[], byte[]>> records;

	private final long fromOffset;

	private final long nextOffset;

	private final long startOffset;

	private final long endOffset;

	private final long sizeInBytes;

	/** @param sizeInBytes the records' {@link #sizeInBytes(ConsumerRecord) sizes} added up, as the reader counted them */
	KafkaRecords(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records, long sizeInBytes,
			long fromOffset, long nextOffset, long startOffset, long endOffset) {
		this.partition = partition;
		this.records = List.copyOf(records);
		this.fromOffset = fromOffset;
		this.nextOffset = nextOffset;
		this.startOffset = startOffset;
		this.endOffset = endOffset;
		this.sizeInBytes = sizeInBytes;
	}

	/** A record's size as {@code maxBytes} counts it: key, value, and every header's UTF-8 name and value. */
	static long sizeInBytes(ConsumerRecord<byte[], byte[]> record) {
		long bytes = Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
		for (Header header : record.headers()) {
			if (!IdempotencyHeader.NAME.equals(header.key())) {
				bytes += header.key().getBytes(StandardCharsets.UTF_8).length
						+ ((header.value() != null) ? header.value().length : 0);
			}
		}
		return bytes;
	}

	@Override
	public TopicPartition partition() {
		return this.partition;
	}

	@Override
	public long fromOffset() {
		return this.fromOffset;
	}

	@Override
	public long nextOffset() {
		return this.nextOffset;
	}

	@Override
	public long startOffset() {
		return this.startOffset;
	}

	@Override
	public long endOffset() {
		return this.endOffset;
	}

	@Override
	public int count() {
		return this.records.size();
	}

	@Override
	public long sizeInBytes() {
		return this.sizeInBytes;
	}

	/** The arrays the consumer made, plus what a record's object costs beside them. */
	@Override
	public long bufferedBytes() {
		return this.sizeInBytes + 100L * this.records.size();
	}

	@Override
	public RecordCursor cursor() {
		return new Cursor(this.records);
	}

	/** Lays out key, value, then each header's name and value, in one reused buffer. */
	private static final class Cursor implements RecordCursor {

		private final List<ConsumerRecord<byte[], byte[]>> records;

		private int index = -1;

		private ByteBuffer buffer = ByteBuffer.allocate(256);

		private int keyLength;

		private int valuePosition;

		private int valueLength;

		private int[] headerPositions = new int[8];

		private int headerCount;

		Cursor(List<ConsumerRecord<byte[], byte[]>> records) {
			this.records = records;
		}

		@Override
		public boolean next() {
			if (this.index + 1 >= this.records.size()) {
				this.index = this.records.size();
				return false;
			}
			this.index++;
			layOut(this.records.get(this.index));
			return true;
		}

		private void layOut(ConsumerRecord<byte[], byte[]> record) {
			this.buffer.clear();
			this.keyLength = put(record.key());
			this.valuePosition = this.buffer.position();
			this.valueLength = put(record.value());
			this.headerCount = 0;
			for (Header header : record.headers()) {
				if (IdempotencyHeader.NAME.equals(header.key())) {
					continue;
				}
				if (this.headerPositions.length < 4 * (this.headerCount + 1)) {
					this.headerPositions = Arrays.copyOf(this.headerPositions, this.headerPositions.length * 2);
				}
				int base = 4 * this.headerCount++;
				this.headerPositions[base] = this.buffer.position();
				this.headerPositions[base + 1] = put(header.key().getBytes(StandardCharsets.UTF_8));
				this.headerPositions[base + 2] = this.buffer.position();
				this.headerPositions[base + 3] = put(header.value());
			}
		}

		/** Appends bytes at the buffer's position. @return their length, or -1 for null */
		private int put(byte[] bytes) {
			if (bytes == null) {
				return -1;
			}
			if (this.buffer.remaining() < bytes.length) {
				ByteBuffer larger = ByteBuffer.allocate(Math.max(this.buffer.position() + bytes.length,
						this.buffer.capacity() * 2));
				this.buffer.flip();
				this.buffer = larger.put(this.buffer);
			}
			this.buffer.put(bytes);
			return bytes.length;
		}

		private ConsumerRecord<byte[], byte[]> current() {
			return this.records.get(this.index);
		}

		@Override
		public long offset() {
			return current().offset();
		}

		@Override
		public long timestamp() {
			return Math.max(0, current().timestamp());
		}

		@Override
		public ByteBuffer buffer() {
			return this.buffer;
		}

		@Override
		public int keyPosition() {
			return 0;
		}

		@Override
		public int keyLength() {
			return this.keyLength;
		}

		@Override
		public int valuePosition() {
			return this.valuePosition;
		}

		@Override
		public int valueLength() {
			return this.valueLength;
		}

		@Override
		public int headerCount() {
			return this.headerCount;
		}

		@Override
		public int headerKeyPosition(int header) {
			return this.headerPositions[4 * header];
		}

		@Override
		public int headerKeyLength(int header) {
			return this.headerPositions[4 * header + 1];
		}

		@Override
		public int headerValuePosition(int header) {
			return this.headerPositions[4 * header + 2];
		}

		@Override
		public int headerValueLength(int header) {
			return this.headerPositions[4 * header + 3];
		}

	}

}
