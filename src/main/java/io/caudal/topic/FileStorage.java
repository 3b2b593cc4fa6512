package io.caudal.topic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendResult;
import io.caudal.log.BatchTag;
import io.caudal.log.CorruptRecordException;
import io.caudal.log.LogRecord;
import io.caudal.log.LogStorageException;
import io.caudal.log.LogWriter;
import io.caudal.log.OffsetOutOfRangeException;
import io.caudal.log.OpenFiles;
import io.caudal.log.PartitionLog;
import io.caudal.log.PreparedAppend;
import io.caudal.log.RecordTooLargeException;
import io.caudal.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file engine behind {@link Storage}: topic metadata in the database ({@link TopicRepository}), each partition
 * a {@link PartitionLog} in {@code <data-dir>/<topic>-<partition>/}. The one adapter between Caudal and
 * {@code log/}: it turns the engine's records and exceptions into the contract's, and nothing else above the
 * engine touches a {@link PartitionLog}.
 * <p>
 * Administrative changes (create, grow, reconfigure, delete) are serialized by a private lock; reads, appends and
 * waits take none.
 */
public class FileStorage implements Storage {

	private static final Logger logger = LoggerFactory.getLogger(FileStorage.class);

	private final Path dataDir;

	private final TopicRepository repository;

	private final Time time;

	private final LogWriter writer;

	private final OpenFiles files;

	private final ConcurrentMap<String, TopicLogs> topics = new ConcurrentHashMap<>();

	private final Object adminLock = new Object();

	public FileStorage(Path dataDir, TopicRepository repository, Time time, LogWriter writer, OpenFiles files) {
		this.dataDir = dataDir.toAbsolutePath().normalize();
		this.repository = repository;
		this.time = time;
		this.writer = writer;
		this.files = files;
	}

	/**
	 * Opens the partitions of every topic in the database, creating empty ones whose directory is missing, and
	 * reports directories that belong to no topic.
	 * @throws UncheckedIOException if the data directory or a partition cannot be opened
	 */
	@Override
	public void open() {
		synchronized (this.adminLock) {
			try {
				Files.createDirectories(this.dataDir);
				for (Topic topic : this.repository.findAll()) {
					List<PartitionLog> logs = new ArrayList<>();
					for (int partition = 0; partition < topic.partitions(); partition++) {
						TopicPartition tp = new TopicPartition(topic.name(), partition);
						if (!Files.isDirectory(partitionDir(tp))) {
							logger.warn("{} - The partition's directory is missing; starting it empty.", tp);
						}
						logs.add(openLog(tp, topic.config()));
					}
					this.topics.put(topic.name(), new TopicLogs(topic, logs));
				}
				reportOrphanDirectories();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The data directory " + this.dataDir + " cannot be opened.", ex);
			}
		}
		logger.info("Opened {} topics from {}.", this.topics.size(), this.dataDir);
	}

	/** One copy: a partition lives in one directory of one server. */
	@Override
	public int replicationFactor(Integer requested) {
		if (requested != null && requested != 1) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "The file engine keeps one copy of each partition, "
					+ "so replicationFactor must be 1, not " + requested + "; copies need caudal.storage=kafka.");
		}
		return 1;
	}

	private static void refuseCopies(TopicConfig config) {
		if (config.minInsyncReplicas() != 1) {
			throw new CaudalException(ErrorCode.INVALID_CONFIG, "The file engine keeps one copy of each partition, so "
					+ "min.insync.replicas must be 1, not " + config.minInsyncReplicas() + ".");
		}
	}

	@Override
	public List<Topic> topics() {
		return this.topics.values().stream().map(TopicLogs::topic).sorted(Comparator.comparing(Topic::name)).toList();
	}

	@Override
	public Topic topic(String name) {
		return topicLogs(name).topic();
	}

	@Override
	public void createTopic(Topic topic) {
		refuseCopies(topic.config());
		synchronized (this.adminLock) {
			if (this.topics.containsKey(topic.name())) {
				throw new CaudalException(ErrorCode.TOPIC_EXISTS, "Topic '" + topic.name() + "' already exists.");
			}
			for (int partition = 0; partition < topic.partitions(); partition++) {
				refuseLeftoverDirectory(new TopicPartition(topic.name(), partition));
			}
			List<PartitionLog> logs = openNewLogs(topic, 0, List.of());
			storeOrDelete(logs, 0, () -> this.repository.insert(topic, this.time.milliseconds()));
			this.topics.put(topic.name(), new TopicLogs(topic, logs));
		}
	}

	@Override
	public void updateTopic(Topic topic) {
		refuseCopies(topic.config());
		synchronized (this.adminLock) {
			TopicLogs current = topicLogs(topic.name());
			for (int partition = current.logs().size(); partition < topic.partitions(); partition++) {
				refuseLeftoverDirectory(new TopicPartition(topic.name(), partition));
			}
			List<PartitionLog> logs = openNewLogs(topic, current.logs().size(), current.logs());
			storeOrDelete(logs, current.logs().size(), () -> this.repository.update(topic));
			for (PartitionLog log : current.logs()) {
				log.updateConfig(topic.config().logConfig());
			}
			this.topics.put(topic.name(), new TopicLogs(topic, logs));
		}
	}

	@Override
	public void deleteTopic(String name) {
		synchronized (this.adminLock) {
			TopicLogs removed = topicLogs(name);
			this.repository.delete(name);
			this.topics.remove(name);
			for (PartitionLog log : removed.logs()) {
				try {
					log.deleteFiles();
				}
				catch (LogStorageException ex) {
					logger.error("{} - Deleting the partition's files failed; remove {} by hand.", log, ex);
				}
			}
		}
	}

	@Override
	public Map<Integer, CompletableFuture<long[]>> append(String topic, Map<Integer, List<NewRecord>> batches,
			IdempotencyMark mark) {
		BatchTag tag = (mark != null) ? new BatchTag(mark.keyHash(), mark.partitionCount(), mark.bodyHash()) : null;
		Map<Integer, PreparedAppend> prepared = new LinkedHashMap<>();
		try {
			batches.forEach((partition, records) -> prepared.put(partition, prepare(new TopicPartition(topic,
					partition), records, tag)));
		}
		catch (RuntimeException ex) {
			prepared.values().forEach(PreparedAppend::cancel);
			throw ex;
		}
		Map<Integer, CompletableFuture<long[]>> appended = new LinkedHashMap<>();
		prepared.forEach((partition, append) -> appended.put(partition,
				stored(new TopicPartition(topic, partition), append.commit(), batches.get(partition).size())));
		return appended;
	}

	@Override
	public List<MarkedBatch> markedBatches(TopicPartition partition, long storedSinceMs) {
		try {
			return log(partition).taggedBatches(storedSinceMs)
				.stream()
				.map(batch -> new MarkedBatch(new IdempotencyMark(batch.tag().id(), batch.tag().epoch(),
						batch.tag().sequence()), partition.partition(), batch.baseOffset(), batch.recordCount()))
				.toList();
		}
		catch (LogStorageException ex) {
			logger.warn("{} - Reading the marks of stored batches failed: {}", partition, ex.getMessage());
			throw new CaudalException(ErrorCode.STORAGE_ERROR, "Partition " + partition + " could not be read to "
					+ "find the idempotency keys stored in it; retry shortly.");
		}
	}

	private PreparedAppend prepare(TopicPartition partition, List<NewRecord> records, BatchTag tag) {
		PartitionLog log = log(partition);
		List<LogRecord> logRecords = new ArrayList<>(records.size());
		for (NewRecord record : records) {
			logRecords.add(new LogRecord(record.key(), record.value(), headers(record.headers()), record.timestamp()));
		}
		try {
			return log.prepareAppend(logRecords, tag);
		}
		catch (RecordTooLargeException ex) {
			throw new CaudalException(ErrorCode.RECORD_TOO_LARGE, "A record is " + ex.recordBytes() + " bytes; topic '"
					+ partition.topic() + "' now accepts at most " + ex.maxMessageBytes() + " (max.message.bytes).",
					Map.of("maxMessageBytes", ex.maxMessageBytes()));
		}
		catch (LogStorageException ex) {
			logger.warn("{} - A partition could not take a batch: {}", partition, ex.getMessage());
			throw notStored(partition);
		}
	}

	private static CompletableFuture<long[]> stored(TopicPartition partition, CompletableFuture<AppendResult> appended,
			int records) {
		return appended.handle((result, failure) -> {
			if (failure == null) {
				return LongStream.range(result.baseOffset(), result.baseOffset() + records).toArray();
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof LogStorageException) {
				logger.warn("{} - An append failed to store its records.", partition, cause);
				throw notStored(partition);
			}
			throw new CompletionException(cause);
		});
	}

	private static CaudalException notStored(TopicPartition partition) {
		return new CaudalException(ErrorCode.STORAGE_ERROR, "Partition " + partition + " could not store the "
				+ "records: a write or fsync failed, or the disk is not keeping up. Nothing was acknowledged.");
	}

	@Override
	public PartitionRecords read(TopicPartition partition, long offset, int maxRecords, int maxBytes) {
		PartitionLog log = log(partition);
		return new FileRecords(partition, guarded(partition, () -> log.read(offset, maxRecords, maxBytes)));
	}

	@Override
	public PartitionWait awaitRecordsAfter(TopicPartition partition, long offset, Runnable onAvailable) {
		return log(partition).awaitRecordsAfter(offset, onAvailable)::cancel;
	}

	@Override
	public PartitionState state(TopicPartition partition) {
		PartitionLog log = log(partition);
		return new PartitionState(partition.partition(), log.logStartOffset(), log.logEndOffset(), log.sizeInBytes());
	}

	@Override
	public long offsetForTimestamp(TopicPartition partition, long timestampMs) {
		PartitionLog log = log(partition);
		return guarded(partition, () -> log.offsetForTimestamp(timestampMs));
	}

	/**
	 * Deletes the segments that every partition's retention settings let go. Never throws: a failing partition is
	 * logged and the others still run.
	 * @return the number of segments deleted
	 */
	public int applyRetention() {
		int deleted = 0;
		long now = this.time.milliseconds();
		for (TopicLogs topicLogs : this.topics.values()) {
			for (PartitionLog log : topicLogs.logs()) {
				try {
					deleted += log.deleteExpiredSegments(now);
				}
				catch (RuntimeException ex) {
					logger.warn("{} - Retention failed; it is tried again at the next pass.", log, ex);
				}
			}
		}
		return deleted;
	}

	/** Closes every partition cleanly, so that the next start needs no recovery. */
	@Override
	public void close() {
		synchronized (this.adminLock) {
			for (TopicLogs topicLogs : this.topics.values()) {
				for (PartitionLog log : topicLogs.logs()) {
					log.close();
				}
			}
			this.topics.clear();
		}
	}

	/**
	 * The directory of a partition. The name rule already forbids separators; the check below keeps a future
	 * change of that rule from ever reaching outside the data directory.
	 */
	Path partitionDir(TopicPartition tp) {
		Path dir = this.dataDir.resolve(tp.toString()).normalize();
		if (!this.dataDir.equals(dir.getParent())) {
			throw new CaudalException(ErrorCode.INVALID_TOPIC_NAME,
					"Topic '" + tp.topic() + "' does not name a directory inside the data directory.");
		}
		return dir;
	}

	private PartitionLog log(TopicPartition partition) {
		List<PartitionLog> logs = topicLogs(partition.topic()).logs();
		if (partition.partition() < 0 || partition.partition() >= logs.size()) {
			throw new CaudalException(ErrorCode.PARTITION_NOT_FOUND, "Topic '" + partition.topic() + "' has no "
					+ "partition " + partition.partition() + "; its partitions are 0 to " + (logs.size() - 1) + ".");
		}
		return logs.get(partition.partition());
	}

	private TopicLogs topicLogs(String name) {
		TopicLogs topicLogs = (name != null) ? this.topics.get(name) : null;
		if (topicLogs == null) {
			throw new CaudalException(ErrorCode.TOPIC_NOT_FOUND, "Topic '" + name + "' does not exist.");
		}
		return topicLogs;
	}

	/**
	 * Runs a read of the engine, answering what it reports as the contract's problems. The engine's own message,
	 * which may name files, goes to the server log only.
	 */
	private static <T> T guarded(TopicPartition partition, Supplier<T> read) {
		try {
			return read.get();
		}
		catch (OffsetOutOfRangeException ex) {
			throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
					"Offset " + ex.offset() + " is outside partition " + partition + ", which holds ["
							+ ex.logStartOffset() + ", " + ex.logEndOffset() + "].",
					Map.of("startOffset", ex.logStartOffset(), "endOffset", ex.logEndOffset()));
		}
		catch (CorruptRecordException ex) {
			logger.warn("{} - A read hit a corrupt batch; it is not served.", partition, ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR,
					"Partition " + partition + " holds a corrupt batch there; it is not served.");
		}
		catch (LogStorageException ex) {
			logger.warn("{} - A read failed.", partition, ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR, "Partition " + partition + " cannot be read now.");
		}
	}

	private static List<io.caudal.log.Header> headers(List<RecordHeader> headers) {
		if (headers.isEmpty()) {
			return List.of();
		}
		List<io.caudal.log.Header> converted = new ArrayList<>(headers.size());
		for (RecordHeader header : headers) {
			converted.add(new io.caudal.log.Header(header.key(), header.value()));
		}
		return converted;
	}

	private List<PartitionLog> openNewLogs(Topic topic, int from, List<PartitionLog> existing) {
		List<PartitionLog> logs = new ArrayList<>(existing);
		try {
			for (int partition = from; partition < topic.partitions(); partition++) {
				logs.add(openLog(new TopicPartition(topic.name(), partition), topic.config()));
			}
			return List.copyOf(logs);
		}
		catch (IOException | UncheckedIOException ex) {
			logs.subList(existing.size(), logs.size()).forEach(PartitionLog::deleteFiles);
			logger.error("{} - Could not create partition files.", topic.name(), ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR,
					"The partitions of topic '" + topic.name() + "' could not be created on disk.");
		}
	}

	/**
	 * Writes a topic's row; if that fails, deletes the partitions just created for it, which would otherwise block
	 * the name as leftover directories.
	 */
	private static void storeOrDelete(List<PartitionLog> logs, int firstNew, Runnable store) {
		try {
			store.run();
		}
		catch (RuntimeException ex) {
			logs.subList(firstNew, logs.size()).forEach(PartitionLog::deleteFiles);
			throw ex;
		}
	}

	private PartitionLog openLog(TopicPartition tp, TopicConfig config) throws IOException {
		return PartitionLog.open(partitionDir(tp), tp.toString(), config.logConfig(), this.time, this.writer,
				this.files);
	}

	/**
	 * A directory left by an earlier topic of the same name (say a delete that crashed) would otherwise hand its old
	 * records to the new topic.
	 */
	private void refuseLeftoverDirectory(TopicPartition tp) {
		if (Files.exists(partitionDir(tp))) {
			throw new CaudalException(ErrorCode.TOPIC_EXISTS, "A directory for partition " + tp
					+ " already exists in the data directory without a topic; remove it before creating the topic.");
		}
	}

	private void reportOrphanDirectories() throws IOException {
		Set<String> known = this.topics.values()
			.stream()
			.flatMap(t -> Stream.iterate(0, p -> p < t.topic().partitions(), p -> p + 1)
				.map(p -> new TopicPartition(t.topic().name(), p).toString()))
			.collect(Collectors.toSet());
		try (Stream<Path> children = Files.list(this.dataDir)) {
			children.filter(Files::isDirectory)
				.map(dir -> dir.getFileName().toString())
				.filter(name -> name.matches(".+-[0-9]+") && !known.contains(name))
				.forEach(name -> logger.warn("Directory {} in {} belongs to no topic; it is left alone and not served.",
						name, this.dataDir));
		}
	}

	private record TopicLogs(Topic topic, List<PartitionLog> logs) {
	}

}
