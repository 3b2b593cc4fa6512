package io.caudal.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic administration: validates names, partition counts and settings, then asks the {@link Storage} to create,
 * grow, reconfigure or delete. What goes with a deleted topic elsewhere (every group's committed offsets, its
 * meters) is done by the listeners registered with {@link #onDelete}. Changes are serialized by a private lock,
 * so that a read-modify-write of a topic's settings never loses another's, and a deleted topic's leftovers are gone
 * before a topic of the same name can be created again. Thread-safe.
 */
public class TopicService {

	private static final Logger logger = LoggerFactory.getLogger(TopicService.class);

	private final Storage storage;

	private final int maxPartitions;

	private final int maxPartitionsTotal;

	private final List<Consumer<String>> deleteListeners = new CopyOnWriteArrayList<>();

	private final Object changeLock = new Object();

	/**
	 * @param maxPartitions the most partitions one topic may have
	 * @param maxPartitionsTotal the most partitions of all topics together
	 */
	public TopicService(Storage storage, int maxPartitions, int maxPartitionsTotal) {
		this.storage = storage;
		this.maxPartitions = maxPartitions;
		this.maxPartitionsTotal = maxPartitionsTotal;
	}

	public int maxPartitions() {
		return this.maxPartitions;
	}

	/**
	 * Creates a topic with empty partitions.
	 * @param replicationFactor copies of each partition; null for the engine's default
	 * @throws CaudalException on a bad name, count, replication factor or config, or when the topic exists
	 */
	public TopicDescription create(String name, int partitions, Integer replicationFactor, Map<String, Object> config) {
		TopicName.validate(name);
		checkPartitionCount(partitions);
		int copies = this.storage.replicationFactor(replicationFactor);
		TopicConfig topicConfig = TopicConfig.empty().with(config);
		synchronized (this.changeLock) {
			checkRoomFor(partitions);
			this.storage.createTopic(new Topic(name, partitions, copies, topicConfig));
		}
		logger.info("Created topic {} with {} partitions, {} copies of each and config {}.", name, partitions, copies,
				topicConfig);
		return describe(name);
	}

	/** Every topic, sorted by name. */
	public List<Topic> list() {
		return this.storage.topics();
	}

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	public Topic topic(String name) {
		return this.storage.topic(name);
	}

	/**
	 * The partition a record with this key goes to today, as produce picks it.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}
	 */
	public int partitionForKey(String name, byte[] key) {
		return Partitioner.partitionForKey(key, this.storage.topic(name).partitions());
	}

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	public TopicDescription describe(String name) {
		Topic topic = this.storage.topic(name);
		List<PartitionState> states = new ArrayList<>(topic.partitions());
		for (int partition = 0; partition < topic.partitions(); partition++) {
			states.add(this.storage.state(new TopicPartition(name, partition)));
		}
		return new TopicDescription(topic, states);
	}

	/**
	 * Grows a topic's partitions and/or changes its configuration. Records of a key may land on another partition
	 * after growth, as in Kafka.
	 * @param partitions the new count, or null to keep it; never fewer than now
	 * @param config settings to change, or null
	 */
	public TopicDescription update(String name, Integer partitions, Map<String, Object> config) {
		synchronized (this.changeLock) {
			updateLocked(name, partitions, config);
		}
		return describe(name);
	}

	private void updateLocked(String name, Integer partitions, Map<String, Object> config) {
		Topic current = this.storage.topic(name);
		Topic topic = current.withConfig(current.config().with(config));
		if (partitions != null) {
			checkPartitionCount(partitions);
			if (partitions < current.partitions()) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST, "Topic '" + name + "' has " + current.partitions()
						+ " partitions; partitions can be added but never removed, so " + partitions + " is refused.");
			}
			checkRoomFor(partitions - current.partitions());
			topic = topic.withPartitions(partitions);
		}
		this.storage.updateTopic(topic);
		logger.info("Updated topic {}: {} partitions, config {}.", name, topic.partitions(), topic.config());
	}

	/** Deletes a topic, its records and what belongs to it elsewhere. @throws CaudalException TOPIC_NOT_FOUND */
	public void delete(String name) {
		int partitions;
		synchronized (this.changeLock) {
			partitions = this.storage.topic(name).partitions();
			this.storage.deleteTopic(name);
			this.deleteListeners.forEach(listener -> listener.accept(name));
		}
		logger.info("Deleted topic {} and its {} partitions.", name, partitions);
	}

	/**
	 * Registers what must go with a deleted topic. Listeners run inside {@link #delete}, right after the storage
	 * dropped it and before a topic of the same name can be created again.
	 */
	public void onDelete(Consumer<String> listener) {
		this.deleteListeners.add(listener);
	}

	/** Refuses partitions past the server's total (change lock held); what is stored already always loads. */
	private void checkRoomFor(int added) {
		long total = this.storage.topics().stream().mapToLong(Topic::partitions).sum();
		if (added > 0 && total + added > this.maxPartitionsTotal) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds " + total + " partitions and "
					+ "takes at most " + this.maxPartitionsTotal + " (caudal.max-partitions-total); " + added
					+ " more do not fit.", Map.of("partitions", total, "maxPartitionsTotal", this.maxPartitionsTotal));
		}
	}

	private void checkPartitionCount(int partitions) {
		if (partitions < 1 || partitions > this.maxPartitions) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A topic has between 1 and " + this.maxPartitions
					+ " partitions (caudal.max-partitions); " + partitions + " was asked for.");
		}
	}

}
