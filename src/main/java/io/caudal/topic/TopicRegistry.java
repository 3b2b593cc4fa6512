package io.caudal.topic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.Log;
import io.caudal.log.LogWriter;
import io.caudal.log.PartitionLog;
import io.caudal.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of this server and the open {@link Log} of each of their partitions.
 *
 * <p>
 * Metadata lives in the database, partitions under the data directory as
 * {@code <topic>-<partition>/}. Administrative changes (create, grow, reconfigure, delete) are
 * serialized by a private lock; looking up a partition's log takes no lock.
 */
public class TopicRegistry implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TopicRegistry.class);

	private final Path dataDir;

	private final int maxPartitions;

	private final TopicRepository repository;

	private final Time time;

	private final LogWriter writer;

	private final ConcurrentMap<String, TopicLogs> topics = new ConcurrentHashMap<>();

	private final Object adminLock = new Object();

	private final List<Consumer<String>> deleteListeners = new CopyOnWriteArrayList<>();

	public TopicRegistry(Path dataDir, int maxPartitions, TopicRepository repository, Time time, LogWriter writer) {
		this.dataDir = dataDir.toAbsolutePath().normalize();
		this.maxPartitions = maxPartitions;
		this.repository = repository;
		this.time = time;
		this.writer = writer;
	}

	/**
	 * Opens the partitions of every topic in the database, creating empty ones whose directory is
	 * missing, and reports directories that belong to no topic.
	 */
	public void open() throws IOException {
		Files.createDirectories(this.dataDir);
		synchronized (this.adminLock) {
			for (Topic topic : this.repository.findAll()) {
				List<Log> logs = new ArrayList<>();
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
		logger.info("Opened {} topics from {}.", this.topics.size(), this.dataDir);
	}

	public int maxPartitions() {
		return this.maxPartitions;
	}

	/**
	 * Creates a topic with empty partitions.
	 * @throws CaudalException on a bad name, count or config, or when the topic exists
	 */
	public TopicDescription create(String name, int partitions, Map<String, Object> config) {
		TopicName.validate(name);
		checkPartitionCount(partitions);
		TopicConfig topicConfig = TopicConfig.empty().with(config);
		synchronized (this.adminLock) {
			if (this.topics.containsKey(name)) {
				throw new CaudalException(ErrorCode.TOPIC_EXISTS, "Topic '" + name + "' already exists.");
			}
			Topic topic = new Topic(name, partitions, topicConfig);
			for (int partition = 0; partition < partitions; partition++) {
				refuseLeftoverDirectory(new TopicPartition(name, partition));
			}
			List<Log> logs = openNewLogs(topic, 0, partitions, List.of());
			storeOrDelete(logs, 0, () -> this.repository.insert(topic, this.time.milliseconds()));
			this.topics.put(name, new TopicLogs(topic, logs));
			logger.info("Created topic {} with {} partitions and config {}.", name, partitions, topicConfig);
			return describe(name);
		}
	}

	public List<Topic> list() {
		return this.topics.values()
			.stream()
			.map(TopicLogs::topic)
			.sorted(Comparator.comparing(Topic::name))
			.toList();
	}

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	public Topic topic(String name) {
		return topicLogs(name).topic();
	}

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	public TopicDescription describe(String name) {
		TopicLogs topicLogs = topicLogs(name);
		List<PartitionState> states = new ArrayList<>();
		for (int partition = 0; partition < topicLogs.logs().size(); partition++) {
			Log log = topicLogs.logs().get(partition);
			states.add(new PartitionState(partition, log.logStartOffset(), log.logEndOffset(), log.sizeInBytes()));
		}
		return new TopicDescription(topicLogs.topic(), states);
	}

	/**
	 * Grows a topic's partitions and/or changes its configuration. Records of a key may land on
	 * another partition after growth, as in Kafka.
	 * @param partitions the new count, or null to keep it; never fewer than now
	 * @param config settings to change, or null
	 */
	public TopicDescription update(String name, Integer partitions, Map<String, Object> config) {
		synchronized (this.adminLock) {
			TopicLogs current = topicLogs(name);
			Topic topic = current.topic().withConfig(current.topic().config().with(config));
			if (partitions != null) {
				checkPartitionCount(partitions);
				if (partitions < topic.partitions()) {
					throw new CaudalException(ErrorCode.INVALID_REQUEST, "Topic '" + name + "' has " + topic.partitions()
							+ " partitions; partitions can be added but never removed, so " + partitions + " is refused.");
				}
				for (int partition = topic.partitions(); partition < partitions; partition++) {
					refuseLeftoverDirectory(new TopicPartition(name, partition));
				}
				topic = topic.withPartitions(partitions);
			}
			List<Log> logs = openNewLogs(topic, current.logs().size(), topic.partitions(), current.logs());
			Topic updated = topic;
			storeOrDelete(logs, current.logs().size(), () -> this.repository.update(updated));
			for (Log log : current.logs()) {
				log.updateConfig(topic.config().logConfig());
			}
			this.topics.put(name, new TopicLogs(topic, logs));
			logger.info("Updated topic {}: {} partitions, config {}.", name, topic.partitions(), topic.config());
			return describe(name);
		}
	}

	/** Deletes a topic and its files. @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	public void delete(String name) {
		synchronized (this.adminLock) {
			TopicLogs removed = topicLogs(name);
			this.repository.delete(name);
			this.topics.remove(name);
			for (Log log : removed.logs()) {
				log.deleteFiles();
			}
			this.deleteListeners.forEach(listener -> listener.accept(name));
			logger.info("Deleted topic {} and its {} partitions.", name, removed.logs().size());
		}
	}

	/**
	 * Registers what must go with a deleted topic (every group's committed offsets). Listeners run
	 * inside {@link #delete}, before a topic of the same name can be created again.
	 */
	public void onDelete(Consumer<String> listener) {
		this.deleteListeners.add(listener);
	}

	/**
	 * The log of one partition.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} or {@link ErrorCode#PARTITION_NOT_FOUND}
	 */
	public Log log(String topic, int partition) {
		List<Log> logs = topicLogs(topic).logs();
		if (partition < 0 || partition >= logs.size()) {
			throw new CaudalException(ErrorCode.PARTITION_NOT_FOUND, "Topic '" + topic + "' has no partition "
					+ partition + "; its partitions are 0 to " + (logs.size() - 1) + ".");
		}
		return logs.get(partition);
	}

	/**
	 * Deletes the segments that every partition's retention settings let go. Never throws: a
	 * failing partition is logged and the others still run.
	 * @return the number of segments deleted
	 */
	public int applyRetention() {
		int deleted = 0;
		long now = this.time.milliseconds();
		for (TopicLogs topicLogs : this.topics.values()) {
			for (Log log : topicLogs.logs()) {
				try {
					deleted += log.deleteExpiredSegments(now);
				}
				catch (RuntimeException ex) {
					logger.warn("{} - Retention failed; it is tried again at the next pass.", topicLogs.topic().name(),
							ex);
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
				for (Log log : topicLogs.logs()) {
					log.close();
				}
			}
			this.topics.clear();
		}
	}

	private TopicLogs topicLogs(String name) {
		TopicLogs topicLogs = (name != null) ? this.topics.get(name) : null;
		if (topicLogs == null) {
			throw new CaudalException(ErrorCode.TOPIC_NOT_FOUND, "Topic '" + name + "' does not exist.");
		}
		return topicLogs;
	}

	private void checkPartitionCount(int partitions) {
		if (partitions < 1 || partitions > this.maxPartitions) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A topic has between 1 and " + this.maxPartitions
					+ " partitions (caudal.max-partitions); " + partitions + " was asked for.");
		}
	}

	private List<Log> openNewLogs(Topic topic, int from, int to, List<Log> existing) {
		List<Log> logs = new ArrayList<>(existing);
		try {
			for (int partition = from; partition < to; partition++) {
				logs.add(openLog(new TopicPartition(topic.name(), partition), topic.config()));
			}
			return List.copyOf(logs);
		}
		catch (IOException | UncheckedIOException ex) {
			logs.subList(existing.size(), logs.size()).forEach(Log::deleteFiles);
			logger.error("{} - Could not create partition files.", topic.name(), ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR,
					"The partitions of topic '" + topic.name() + "' could not be created on disk.");
		}
	}

	/**
	 * Writes a topic's row; if that fails, deletes the partitions just created for it, which would
	 * otherwise block the name as leftover directories.
	 */
	private static void storeOrDelete(List<Log> logs, int firstNew, Runnable store) {
		try {
			store.run();
		}
		catch (RuntimeException ex) {
			logs.subList(firstNew, logs.size()).forEach(Log::deleteFiles);
			throw ex;
		}
	}

	private Log openLog(TopicPartition tp, TopicConfig config) throws IOException {
		return PartitionLog.open(partitionDir(tp), tp.toString(), config.logConfig(), this.time, this.writer);
	}

	/**
	 * The directory of a partition. The name rule already forbids separators; the check below
	 * keeps a future change of that rule from ever reaching outside the data directory.
	 */
	Path partitionDir(TopicPartition tp) {
		Path dir = this.dataDir.resolve(tp.toString()).normalize();
		if (!this.dataDir.equals(dir.getParent())) {
			throw new CaudalException(ErrorCode.INVALID_TOPIC_NAME,
					"Topic '" + tp.topic() + "' does not name a directory inside the data directory.");
		}
		return dir;
	}

	/**
	 * A directory left by an earlier topic of the same name (say a delete that crashed) would
	 * otherwise hand its old records to the new topic.
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
				.forEach(name -> logger.warn(
						"Directory {} in {} belongs to no topic; it is left alone and not served.", name, this.dataDir));
		}
	}

	private record TopicLogs(Topic topic, List<Log> logs) {
	}

}
