package io.caudal.topic;

import java.nio.ByteBuffer;

import io.caudal.log.FetchResult;

/** The records of a {@link FileStorage} read: the engine's batches, walked in place. Immutable. */
final class FileRecords implements PartitionRecords {

	private final TopicPartition partition;

	private final FetchResult result;

	FileRecords(TopicPartition partition, FetchResult result) {
		this.partition = partition;
		this.result = result;
	}

	@Override
	public TopicPartition partition() {
		return this.partition;
	}

	@Override
	public long fromOffset() {
		return this.result.fromOffset();
	}

	@Override
	public long nextOffset() {
		return this.result.nextOffset();
	}

	@Override
	public long startOffset() {
		return this.result.logStartOffset();
	}

	@Override
	public long endOffset() {
		return this.result.logEndOffset();
	}

	@Override
	public int count() {
		return this.result.recordCount();
	}

	@Override
	public long sizeInBytes() {
		return this.result.recordBytes();
	}

	@Override
	public long bufferedBytes() {
		return this.result.bufferedBytes();
	}

	@Override
	public RecordCursor cursor() {
		return new Cursor(this.result.cursor());
	}

	/** The engine's cursor under the interface every engine's records share. */
	private static final class Cursor implements RecordCursor {

		private final io.caudal.log.RecordCursor records;

		Cursor(io.caudal.log.RecordCursor records) {
			this.records = records;
		}

		@Override
		public boolean next() {
			return this.records.next();
		}

		@Override
		public long offset() {
			return this.records.offset();
		}

		@Override
		public long timestamp() {
			return this.records.timestamp();
		}

		@Override
		public ByteBuffer buffer() {
			return this.records.buffer();
		}

		@Override
		public int keyPosition() {
			return this.records.keyPosition();
		}

		@Override
		public int keyLength() {
			return this.records.keyLength();
		}

		@Override
		public int valuePosition() {
			return this.records.valuePosition();
		}

		@Override
		public int valueLength() {
			return this.records.valueLength();
		}

		@Override
		public int headerCount() {
			return this.records.headerCount();
		}

		@Override
		public int headerKeyPosition(int header) {
			return this.records.headerKeyPosition(header);
		}

		@Override
		public int headerKeyLength(int header) {
			return this.records.headerKeyLength(header);
		}

		@Override
		public int headerValuePosition(int header) {
			return this.records.headerValuePosition(header);
		}

		@Override
		public int headerValueLength(int header) {
			return this.records.headerValueLength(header);
		}

	}

}
