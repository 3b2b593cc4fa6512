package io.caudal.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendWaiter;
import io.caudal.log.CorruptRecordException;
import io.caudal.log.FetchResult;
import io.caudal.log.Log;
import io.caudal.log.LogStorageException;
import io.caudal.log.OffsetOutOfRangeException;
import io.caudal.log.StoredRecord;
import io.caudal.topic.ConsumedRecord;
import io.caudal.topic.FetchPosition;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tail of every partition of one topic, without a group: what a dashboard watches. Each
 * partition is read from its own position, starting where the socket asked (earliest, latest, or
 * the first record at or after a timestamp); partitions added to the topic while it is tailed are
 * read from their start. Reads take turns at which partition goes first, so one busy partition
 * does not starve the others. When retention deletes records before the tail read them, the tail
 * goes on from the partition's new start.
 *
 * <p>
 * Waiting costs one {@link AppendWaiter} per partition, registered only after a read found
 * nothing. Threading as {@link RecordSource} says.
 */
final class TopicTail implements RecordSource {

	private static final Logger logger = LoggerFactory.getLogger(TopicTail.class);

	private final TopicRegistry topics;

	private final String topic;

	private final List<Cursor> cursors = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/** The index of the partition read first by the next read; used by the pump only. */
	private int first;

	private TopicTail(TopicRegistry topics, String topic) {
		this.topics = topics;
		this.topic = topic;
	}

	/**
	 * Starts tailing a topic.
	 * @param from {@link FetchPosition.Earliest}, {@link FetchPosition.Latest} or
	 * {@link FetchPosition.AtTimestamp}, applied to each partition
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, or {@link ErrorCode#STORAGE_ERROR}
	 * when a partition's time index cannot be read
	 */
	static TopicTail open(TopicRegistry topics, String topic, FetchPosition from) {
		TopicTail tail = new TopicTail(topics, topic);
		int partitions = topics.topic(topic).partitions();
		for (int partition = 0; partition < partitions; partition++) {
			Log log = topics.log(topic, partition);
			tail.cursors.add(tail.new Cursor(partition, tail.start(partition, log, from)));
		}
		return tail;
	}

	@Override
	public List<ConsumedRecord> read(int maxRecords, int maxBytes) {
		addNewPartitions();
		List<ConsumedRecord> records = new ArrayList<>();
		int count = this.cursors.size();
		long bytesLeft = maxBytes;
		for (int i = 0; i < count && records.size() < maxRecords && bytesLeft > 0; i++) {
			Cursor cursor = this.cursors.get((this.first + i) % count);
			bytesLeft -= cursor.read(maxRecords - records.size(), (int) bytesLeft, records);
		}
		this.first = (this.first + 1) % count;
		return records;
	}

	@Override
	public void awaitRecords(Runnable wakeup) {
		for (Cursor cursor : this.cursors) {
			cursor.await(wakeup);
		}
	}

	@Override
	public boolean changed() {
		return this.topics.topic(this.topic).partitions() != this.cursors.size();
	}

	@Override
	public void close() {
		this.closed = true;
		for (Cursor cursor : this.cursors) {
			cursor.cancel();
		}
	}

	private void addNewPartitions() {
		int partitions = this.topics.topic(this.topic).partitions();
		for (int partition = this.cursors.size(); partition < partitions; partition++) {
			long start = this.topics.log(this.topic, partition).logStartOffset();
			this.cursors.add(new Cursor(partition, start));
			logger.debug("{} - Partition added while tailed; read from offset {}.",
					new TopicPartition(this.topic, partition), start);
		}
	}

	private long start(int partition, Log log, FetchPosition from) {
		if (from instanceof FetchPosition.AtTimestamp at) {
			try {
				return log.offsetForTimestamp(at.timestamp());
			}
			catch (CorruptRecordException | LogStorageException ex) {
				throw storageError(partition, "its time index cannot be read", ex);
			}
		}
		return (from instanceof FetchPosition.Earliest) ? log.logStartOffset() : log.logEndOffset();
	}

	private CaudalException storageError(int partition, String what, RuntimeException cause) {
		logger.warn("{} - The tail stops: {}.", new TopicPartition(this.topic, partition), what, cause);
		return new CaudalException(ErrorCode.STORAGE_ERROR,
				"Partition " + new TopicPartition(this.topic, partition) + " cannot be tailed: " + what + ".");
	}

	/** One partition's position and wait. The position is the pump's alone. */
	private final class Cursor {

		private final int partition;

		private long position;

		private volatile boolean waiting;

		private volatile AppendWaiter waiter;

		Cursor(int partition, long position) {
			this.partition = partition;
			this.position = position;
		}

		/** Adds the records read to {@code into}; returns their size in bytes. */
		long read(int maxRecords, int maxBytes, List<ConsumedRecord> into) {
			Log log = TopicTail.this.topics.log(TopicTail.this.topic, this.partition);
			FetchResult result;
			try {
				result = log.read(this.position, maxRecords, maxBytes);
			}
			catch (OffsetOutOfRangeException ex) {
				logger.info("{} - Offset {} is no longer in [{}, {}], deleted by retention; the tail goes on from {}.",
						new TopicPartition(TopicTail.this.topic, this.partition), ex.offset(), ex.logStartOffset(),
						ex.logEndOffset(), ex.logStartOffset());
				this.position = ex.logStartOffset();
				return 0;
			}
			catch (CorruptRecordException | LogStorageException ex) {
				throw storageError(this.partition, "offset " + this.position + " cannot be read", ex);
			}
			long bytes = 0;
			for (StoredRecord stored : result.records()) {
				into.add(ConsumedRecord.of(TopicTail.this.topic, this.partition, stored));
				bytes += stored.sizeInBytes();
			}
			this.position = result.nextOffset();
			return bytes;
		}

		void await(Runnable wakeup) {
			if (this.waiting) {
				return;
			}
			this.waiting = true;
			this.waiter = TopicTail.this.topics.log(TopicTail.this.topic, this.partition)
				.awaitRecordsAfter(this.position, () -> {
					this.waiting = false;
					wakeup.run();
				});
			// A close that ran before the waiter was stored could not cancel it.
			if (TopicTail.this.closed) {
				cancel();
			}
		}

		void cancel() {
			AppendWaiter current = this.waiter;
			if (current != null) {
				current.cancel();
			}
		}

	}

}
