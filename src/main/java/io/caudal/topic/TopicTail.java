package io.caudal.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reader of every partition of one topic, without a group: what a dashboard's socket or an event stream follows.
 * Each partition is read from its own position, starting where the reader asked (earliest, latest, the first
 * record at or after a timestamp, or given positions when a stream resumes); partitions added to the topic while it
 * is followed are read from their start. Reads take turns at which partition goes first, so one busy partition does
 * not starve the others. A position that retention deleted is moved to the partition's new start and reported as a
 * {@link Skip}.
 * <p>
 * Positions move only when the caller says records were delivered ({@link #delivered}), so records read but not
 * sent are read again. Threading: {@link #read}, {@link #delivered}, {@link #await} and {@link #takeSkips} are
 * called by one pushing thread at a time; {@link #changed} by any thread; {@link #close} by any thread.
 */
public final class TopicTail {

	private static final Logger logger = LoggerFactory.getLogger(TopicTail.class);

	private final TopicService topics;

	private final FetchService fetch;

	private final String topic;

	private final List<Long> positions;

	private final List<Skip> skips = new ArrayList<>();

	private volatile int partitionCount;

	private volatile boolean closed;

	private RecordWait wait;

	/** The partition read first by the next read. */
	private int first;

	private TopicTail(TopicService topics, FetchService fetch, String topic, List<Long> positions) {
		this.topics = topics;
		this.fetch = fetch;
		this.topic = topic;
		this.positions = positions;
		this.partitionCount = positions.size();
	}

	/**
	 * Starts following a topic.
	 * @param from {@link FetchPosition.Earliest}, {@link FetchPosition.Latest} or {@link FetchPosition.AtTimestamp},
	 * applied to each partition
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, or {@link ErrorCode#STORAGE_ERROR} when a
	 * partition's time index cannot be read
	 */
	public static TopicTail open(TopicService topics, FetchService fetch, String topic, FetchPosition from) {
		int partitions = topics.topic(topic).partitions();
		List<Long> positions = new ArrayList<>(partitions);
		for (int partition = 0; partition < partitions; partition++) {
			positions.add(fetch.resolve(new TopicPartition(topic, partition), from));
		}
		return new TopicTail(topics, fetch, topic, positions);
	}

	/**
	 * Goes on following a topic from given positions, as a resumed event stream does. Partitions without a position
	 * (added since) are read from their start.
	 * @param positions the next offset of each partition, by partition number
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}
	 */
	public static TopicTail resume(TopicService topics, FetchService fetch, String topic, List<Long> positions) {
		int partitions = topics.topic(topic).partitions();
		List<Long> resumed = new ArrayList<>(positions.subList(0, Math.min(positions.size(), partitions)));
		TopicTail tail = new TopicTail(topics, fetch, topic, resumed);
		tail.addNewPartitions(partitions);
		return tail;
	}

	public String topic() {
		return this.topic;
	}

	/**
	 * The records available now from each partition's position, without waiting and without moving the positions.
	 * @param maxRecords at least 1, over all partitions
	 * @param maxBytes at least 1, over all partitions; one record comes back when one is available
	 * @return the non-empty reads, in the order they were taken
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} once the topic is deleted, or
	 * {@link ErrorCode#STORAGE_ERROR}
	 */
	public List<PartitionRecords> read(int maxRecords, int maxBytes) {
		addNewPartitions(this.topics.topic(this.topic).partitions());
		List<PartitionRecords> reads = new ArrayList<>();
		int count = this.positions.size();
		int recordsLeft = maxRecords;
		long bytesLeft = maxBytes;
		for (int i = 0; i < count && recordsLeft > 0 && bytesLeft > 0; i++) {
			int partition = (this.first + i) % count;
			PartitionRecords records = readPartition(partition, recordsLeft, (int) bytesLeft);
			if (records != null && !records.isEmpty()) {
				reads.add(records);
				recordsLeft -= records.count();
				bytesLeft -= records.sizeInBytes();
			}
		}
		this.first = (count == 0) ? 0 : (this.first + 1) % count;
		return reads;
	}

	/** Moves a partition's position past the records delivered from it. */
	public void delivered(int partition, long nextOffset) {
		this.positions.set(partition, nextOffset);
	}

	/** Each partition's next offset, by partition number. */
	public List<Long> positions() {
		return List.copyOf(this.positions);
	}

	/** The skips found by reads since the last call, oldest first. */
	public List<Skip> takeSkips() {
		List<Skip> taken = List.copyOf(this.skips);
		this.skips.clear();
		return taken;
	}

	/**
	 * Arranges for {@code wakeup} to run once a partition has a record at its position: at once if one already
	 * does. Replaces the previous wait.
	 */
	public void await(Runnable wakeup) {
		if (this.wait != null) {
			this.wait.cancel();
		}
		Map<TopicPartition, Long> waitingAt = new HashMap<>();
		for (int partition = 0; partition < this.positions.size(); partition++) {
			waitingAt.put(new TopicPartition(this.topic, partition), this.positions.get(partition));
		}
		this.wait = this.fetch.await(waitingAt, wakeup);
		// A close that ran before the wait was stored could not cancel it.
		if (this.closed) {
			this.wait.cancel();
		}
	}

	/**
	 * Whether the topic grew since the last read, which no append signal announces. Cheap.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} once the topic is deleted
	 */
	public boolean changed() {
		return this.topics.topic(this.topic).partitions() != this.partitionCount;
	}

	/** Stops waiting for good. Idempotent. */
	public void close() {
		this.closed = true;
		RecordWait current = this.wait;
		if (current != null) {
			current.cancel();
		}
	}

	private PartitionRecords readPartition(int partition, int maxRecords, int maxBytes) {
		TopicPartition tp = new TopicPartition(this.topic, partition);
		long position = this.positions.get(partition);
		try {
			return this.fetch.read(tp, position, maxRecords, maxBytes);
		}
		catch (CaudalException ex) {
			if (ex.code() != ErrorCode.OFFSET_OUT_OF_RANGE) {
				throw ex;
			}
			long start = ((Number) ex.properties().get("startOffset")).longValue();
			long end = ((Number) ex.properties().get("endOffset")).longValue();
			long next = (position < start) ? start : end;
			logger.info("{} - Offset {} is no longer in [{}, {}]; the tail goes on from {}.", tp, position, start, end,
					next);
			this.positions.set(partition, next);
			this.skips.add(new Skip(partition, position, next));
			return null;
		}
	}

	private void addNewPartitions(int partitions) {
		for (int partition = this.positions.size(); partition < partitions; partition++) {
			long start = this.fetch.state(new TopicPartition(this.topic, partition)).startOffset();
			this.positions.add(start);
			logger.debug("{} - Partition added while followed; read from offset {}.",
					new TopicPartition(this.topic, partition), start);
		}
		this.partitionCount = this.positions.size();
	}

	/**
	 * Records a reader could not get because they were gone when it came to them (deleted by retention).
	 * @param partition the partition
	 * @param fromOffset where the reader was
	 * @param toOffset where it goes on from
	 */
	public record Skip(int partition, long fromOffset, long toOffset) {
	}

}
