package io.caudal.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.OffsetStore;
import io.caudal.offset.DatabaseClock;
import io.caudal.topic.IdempotencyMark;
import io.caudal.topic.KeyLedger;
import io.caudal.topic.MarkedBatch;
import io.caudal.topic.NewRecord;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.PartitionState;
import io.caudal.topic.PartitionWait;
import io.caudal.topic.RecordHeader;
import io.caudal.topic.Storage;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Kafka engine behind {@link Storage} ({@code caudal.storage=kafka}): topics are the cluster's topics, records
 * are written by one idempotent producer with {@code acks=all} and read through a small pool of consumers; readers
 * waiting on a partition share one fetch of it ({@link PartitionWatcher}). Durability is Kafka's: a write is
 * acknowledged once {@code min.insync.replicas} copies hold it; Kafka's {@code flush.*} settings apply as the topic
 * sets them, not Caudal's fsync-before-ack default.
 * <p>
 * Caudal picks each record's partition before it gets here (murmur2, as Kafka's producer), so the producer only
 * sends. The records of one request to one partition are sent while holding that partition's lock, so that this
 * node's other requests do not come between them; another node's records may (its producer's batch may land between
 * two of this one's), so each record's offset is the one Kafka acknowledged for it.
 */
public final class KafkaStorage implements Storage {

	private static final Logger logger = LoggerFactory.getLogger(KafkaStorage.class);

	/** Locks striped over partitions: enough that unrelated partitions rarely share one. */
	private static final int SEND_LOCKS = 256;

	private final Admin admin;

	private final Producer<byte[], byte[]> producer;

	private final KafkaTopics topics;

	private final KafkaReaders readers;

	private final PartitionWatcher watcher;

	private final long timeoutMs;

	private final AtomicReferenceArray<Object> sendLocks = new AtomicReferenceArray<>(SEND_LOCKS);

	public KafkaStorage(Admin admin, Producer<byte[], byte[]> producer, KafkaReaders readers, PartitionWatcher watcher,
			KafkaTopics topics, long timeoutMs) {
		this.admin = admin;
		this.producer = producer;
		this.readers = readers;
		this.watcher = watcher;
		this.topics = topics;
		this.timeoutMs = timeoutMs;
		for (int i = 0; i < SEND_LOCKS; i++) {
			this.sendLocks.set(i, new Object());
		}
	}

	@Override
	public void open() {
		this.topics.refresh();
		logger.info("Found {} topics in the Kafka cluster.", this.topics.all().size());
	}

	/** Reads the cluster's topics again, to see what other nodes and Kafka's own tools changed. */
	public void refreshTopics() {
		this.topics.refresh();
	}

	/**
	 * Wraps the store of committed offsets so that they are also written to Kafka's {@code __consumer_offsets}.
	 * @param prefix put before each group's name in Kafka
	 */
	public OffsetMirror mirrorOffsets(OffsetStore store, String prefix) {
		return new OffsetMirror(store, this.admin, prefix, this.timeoutMs);
	}

	/**
	 * The idempotency keys of every node on this cluster, kept in the database they share. A claim's lease outlasts
	 * the producer's delivery timeout (three timeouts) by one timeout.
	 * @param windowMs how long a key is kept after its first request
	 * @param maxKeys the most keys kept at once, over every node
	 */
	public KeyLedger keyLedger(JdbcClient jdbc, PlatformTransactionManager transactionManager, DatabaseClock clock,
			long windowMs, int maxKeys) {
		return new KafkaKeyLedger(jdbc, transactionManager, clock, this, windowMs, maxKeys, 4 * this.timeoutMs);
	}

	/** Partitions this node's readers wait on now, each fetched once however many wait. */
	public int watchedPartitions() {
		return this.watcher.watchedPartitions();
	}

	@Override
	public int replicationFactor(Integer requested) {
		if (requested == null) {
			return this.topics.defaultReplicationFactor();
		}
		int brokers = this.topics.brokers().size();
		if (requested < 1 || requested > brokers) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "replicationFactor must lie between 1 and the "
					+ "number of brokers, " + brokers + "; " + requested + " was asked for.");
		}
		return requested;
	}

	@Override
	public List<Topic> topics() {
		return this.topics.all();
	}

	@Override
	public Topic topic(String name) {
		return this.topics.get(name);
	}

	@Override
	public void createTopic(Topic topic) {
		this.topics.create(topic);
	}

	@Override
	public void updateTopic(Topic topic) {
		this.topics.update(this.topics.get(topic.name()), topic);
	}

	@Override
	public void deleteTopic(String name) {
		this.topics.get(name);
		this.topics.delete(name);
		this.watcher.forget(name);
	}

	@Override
	public Map<Integer, CompletableFuture<long[]>> append(String topic, Map<Integer, List<NewRecord>> batches,
			IdempotencyMark mark) {
		Topic current = this.topics.get(topic);
		batches.keySet().forEach(partition -> checkPartition(current, partition));
		Map<Integer, CompletableFuture<long[]>> appended = new LinkedHashMap<>();
		batches.forEach((partition, records) -> appended.put(partition, send(topic, partition, records, mark)));
		return appended;
	}

	private CompletableFuture<long[]> send(String topic, int partition, List<NewRecord> records, IdempotencyMark mark) {
		CompletableFuture<long[]> stored = new CompletableFuture<>();
		long[] offsets = new long[records.size()];
		AtomicInteger pending = new AtomicInteger(records.size());
		TopicPartition tp = new TopicPartition(topic, partition);
		try {
			synchronized (this.sendLocks.get(Math.floorMod(tp.hashCode(), SEND_LOCKS))) {
				for (int i = 0; i < records.size(); i++) {
					int index = i;
					ProducerRecord<byte[], byte[]> record = producerRecord(topic, partition, records.get(i),
							(i == 0 && mark != null) ? IdempotencyHeader.value(mark, records.size()) : null);
					this.producer.send(record, (metadata, failure) -> {
						if (failure != null) {
							stored.completeExceptionally(notStored(tp, failure));
							return;
						}
						offsets[index] = metadata.offset();
						if (pending.decrementAndGet() == 0) {
							this.watcher.advance(KafkaReaders.kafka(tp), offsets[offsets.length - 1] + 1);
							stored.complete(offsets);
						}
					});
				}
			}
		}
		catch (KafkaException ex) {
			stored.completeExceptionally(notStored(tp, ex));
		}
		return stored;
	}

	private static ProducerRecord<byte[], byte[]> producerRecord(String topic, int partition, NewRecord record,
			byte[] mark) {
		RecordHeaders headers = new RecordHeaders();
		for (RecordHeader header : record.headers()) {
			headers.add(header.key(), header.value());
		}
		if (mark != null) {
			headers.add(IdempotencyHeader.NAME, mark);
		}
		return new ProducerRecord<>(topic, partition, record.timestamp(), record.key(), record.value(), headers);
	}

	private static CaudalException notStored(TopicPartition partition, Throwable failure) {
		logger.warn("{} - Kafka did not take a batch.", partition, failure);
		return new CaudalException(ErrorCode.STORAGE_ERROR, "Partition " + partition + " could not store the records: "
				+ "the Kafka cluster did not acknowledge them (not enough in-sync replicas, or unreachable). Nothing "
				+ "was acknowledged.");
	}

	@Override
	public List<MarkedBatch> markedBatches(TopicPartition partition, long storedSinceMs) {
		return this.readers.markedBatches(partition, offsetForTimestamp(partition, storedSinceMs));
	}

	/** The batches carrying Caudal's idempotency header from {@code offset} to the partition's end. */
	List<MarkedBatch> markedBatchesFrom(TopicPartition partition, long offset) {
		checkPartition(this.topics.get(partition.topic()), partition.partition());
		return this.readers.markedBatches(partition, offset);
	}

	@Override
	public PartitionRecords read(TopicPartition partition, long offset, int maxRecords, int maxBytes) {
		checkPartition(this.topics.get(partition.topic()), partition.partition());
		PartitionRecords records = this.readers.read(partition, offset, maxRecords, maxBytes);
		this.watcher.advance(KafkaReaders.kafka(partition), records.endOffset());
		return records;
	}

	@Override
	public PartitionWait awaitRecordsAfter(TopicPartition partition, long offset, Runnable onAvailable) {
		checkPartition(this.topics.get(partition.topic()), partition.partition());
		return this.watcher.await(KafkaReaders.kafka(partition), offset, onAvailable);
	}

	@Override
	public PartitionState state(TopicPartition partition) {
		checkPartition(this.topics.get(partition.topic()), partition.partition());
		long[] bounds = this.readers.bounds(partition);
		this.watcher.advance(KafkaReaders.kafka(partition), bounds[1]);
		return new PartitionState(partition.partition(), bounds[0], bounds[1],
				this.topics.sizeInBytes(KafkaReaders.kafka(partition)));
	}

	@Override
	public long offsetForTimestamp(TopicPartition partition, long timestampMs) {
		checkPartition(this.topics.get(partition.topic()), partition.partition());
		org.apache.kafka.common.TopicPartition tp = KafkaReaders.kafka(partition);
		ListOffsetsResult result = this.admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(timestampMs)),
				new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
		long offset = KafkaFailures.await(result.partitionResult(tp), this.timeoutMs,
				"finding an offset by time in partition " + partition).offset();
		return (offset >= 0) ? offset : this.readers.bounds(partition)[1];
	}

	private static void checkPartition(Topic topic, int partition) {
		if (partition < 0 || partition >= topic.partitions()) {
			throw new CaudalException(ErrorCode.PARTITION_NOT_FOUND, "Topic '" + topic.name() + "' has no partition "
					+ partition + "; its partitions are 0 to " + (topic.partitions() - 1) + ".");
		}
	}

	@Override
	public void close() {
		this.watcher.close();
		this.readers.close();
		this.producer.close();
		this.admin.close();
	}

}
