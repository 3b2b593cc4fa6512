package io.caudal.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topics of the Kafka cluster, which owns them, as this node last saw them. Reads come from a cache that
 * {@link #refresh()} replaces (on a timer, and after every change made here); a name missing from it is looked up
 * once in Kafka, since another node may have just created it, and remembered as missing for a moment so that
 * requests for a topic that does not exist do not each reach the cluster. Thread-safe.
 */
final class KafkaTopics {

	/** How long a name Kafka did not know is answered as missing without asking again. */
	private static final long MISSING_MS = 1000;

	/** Bounds the names remembered as missing, whatever names clients send. */
	private static final int MAX_MISSING = 10_000;

	/** How long partition sizes, which cost a call to every broker, are reused. */
	private static final long SIZES_MS = 10_000;

	private final Admin admin;

	private final Time time;

	private final long timeoutMs;

	private volatile Map<String, Topic> topics = Map.of();

	private final ConcurrentMap<String, Long> missingSince = new ConcurrentHashMap<>();

	private volatile Sizes sizes = new Sizes(Map.of(), Long.MIN_VALUE);

	KafkaTopics(Admin admin, Time time, long timeoutMs) {
		this.admin = admin;
		this.time = time;
		this.timeoutMs = timeoutMs;
	}

	/** Reads every topic (Kafka's internal ones aside) and its settings from the cluster. */
	void refresh() {
		Collection<String> names = KafkaFailures.await(this.admin.listTopics().names(), this.timeoutMs,
				"listing topics");
		Map<String, Topic> loaded = new HashMap<>();
		if (!names.isEmpty()) {
			for (Topic topic : describe(names)) {
				loaded.put(topic.name(), topic);
			}
		}
		this.topics = Map.copyOf(loaded);
	}

	List<Topic> all() {
		return this.topics.values().stream().sorted(Comparator.comparing(Topic::name)).toList();
	}

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	Topic get(String name) {
		Topic topic = this.topics.get(name);
		if (topic != null) {
			return topic;
		}
		Long missing = this.missingSince.get(name);
		long now = this.time.milliseconds();
		if (missing == null || now - missing >= MISSING_MS) {
			Optional<Topic> found = lookUp(name);
			if (found.isPresent()) {
				this.missingSince.remove(name);
				return found.get();
			}
			if (this.missingSince.size() >= MAX_MISSING) {
				this.missingSince.clear();
			}
			this.missingSince.put(name, now);
		}
		throw new CaudalException(ErrorCode.TOPIC_NOT_FOUND, "Topic '" + name + "' does not exist.");
	}

	/** The name only: a topic another node is deleting may still be in the cache. */
	private Optional<Topic> lookUp(String name) {
		try {
			List<Topic> found = describe(List.of(name));
			found.forEach(this::remember);
			return found.stream().findFirst();
		}
		catch (CaudalException ex) {
			if (ex.code() == ErrorCode.TOPIC_NOT_FOUND) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	void create(Topic topic) {
		NewTopic newTopic = new NewTopic(topic.name(), topic.partitions(), (short) topic.replicationFactor())
			.configs(topic.config().overrides());
		KafkaFailures.await(this.admin.createTopics(List.of(newTopic)).all(), this.timeoutMs,
				"creating topic '" + topic.name() + "'");
		this.missingSince.remove(topic.name());
		remember(awaitVisible(topic.name()));
	}

	/** Adds partitions and replaces the topic's own settings with {@code wanted}'s. */
	void update(Topic current, Topic wanted) {
		String what = "changing topic '" + wanted.name() + "'";
		if (wanted.partitions() > current.partitions()) {
			KafkaFailures.await(this.admin.createPartitions(Map.of(wanted.name(),
					NewPartitions.increaseTo(wanted.partitions()))).all(), this.timeoutMs, what);
		}
		List<AlterConfigOp> changes = new ArrayList<>();
		wanted.config().overrides().forEach((key, value) -> {
			if (!value.equals(current.config().overrides().get(key))) {
				changes.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
			}
		});
		current.config().overrides().keySet().stream()
			.filter(key -> !wanted.config().overrides().containsKey(key))
			.forEach(key -> changes.add(new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)));
		if (!changes.isEmpty()) {
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, wanted.name());
			KafkaFailures.await(this.admin.incrementalAlterConfigs(Map.of(resource, changes)).all(), this.timeoutMs,
					what);
		}
		remember(awaitVisible(wanted.name()));
	}

	void delete(String name) {
		KafkaFailures.await(this.admin.deleteTopics(List.of(name)).all(), this.timeoutMs,
				"deleting topic '" + name + "'");
		Map<String, Topic> remaining = new HashMap<>(this.topics);
		remaining.remove(name);
		this.topics = Map.copyOf(remaining);
	}

	/** The cluster's live brokers. */
	Collection<Node> brokers() {
		return KafkaFailures.await(this.admin.describeCluster().nodes(), this.timeoutMs, "describing the cluster");
	}

	/** What a broker says a new topic gets when it names no replication factor. */
	int defaultReplicationFactor() {
		Node broker = brokers().iterator().next();
		ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker.idString());
		Config config = KafkaFailures.await(this.admin.describeConfigs(List.of(resource)).all(), this.timeoutMs,
				"reading the broker's settings").get(resource);
		ConfigEntry entry = config.get("default.replication.factor");
		return (entry != null && entry.value() != null) ? Integer.parseInt(entry.value()) : 1;
	}

	/**
	 * The bytes a partition's largest copy holds, as the brokers last reported (cached a few seconds: the question
	 * goes to every broker).
	 */
	long sizeInBytes(org.apache.kafka.common.TopicPartition partition) {
		Sizes current = this.sizes;
		long now = this.time.milliseconds();
		if (now - current.readAtMs() >= SIZES_MS) {
			List<Integer> ids = brokers().stream().map(Node::id).toList();
			Map<org.apache.kafka.common.TopicPartition, Long> largest = new HashMap<>();
			Map<Integer, Map<String, LogDirDescription>> described = KafkaFailures
				.await(this.admin.describeLogDirs(ids).allDescriptions(), this.timeoutMs, "reading partition sizes");
			described.values().forEach(dirs -> dirs.values().forEach(dir -> dir.replicaInfos()
				.forEach((tp, info) -> largest.merge(tp, info.size(), Math::max))));
			current = new Sizes(Map.copyOf(largest), now);
			this.sizes = current;
		}
		return current.bytes().getOrDefault(partition, 0L);
	}

	private void remember(Topic topic) {
		Map<String, Topic> updated = new HashMap<>(this.topics);
		updated.put(topic.name(), topic);
		this.topics = Map.copyOf(updated);
	}

	/**
	 * Describes a topic just changed, until the cluster's metadata shows it: a broker may answer before the change
	 * has reached it.
	 */
	private Topic awaitVisible(String name) {
		long deadline = this.time.milliseconds() + this.timeoutMs;
		while (true) {
			try {
				return describe(List.of(name)).get(0);
			}
			catch (CaudalException ex) {
				if (ex.code() != ErrorCode.TOPIC_NOT_FOUND || this.time.milliseconds() > deadline) {
					throw ex;
				}
				pause();
			}
		}
	}

	private static void pause() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw KafkaFailures.unavailable("waiting for the cluster to show a change");
		}
	}

	private List<Topic> describe(Collection<String> names) {
		Map<String, TopicDescription> descriptions = KafkaFailures.await(this.admin.describeTopics(names)
			.allTopicNames(), this.timeoutMs, "describing topics");
		List<ConfigResource> resources = names.stream()
			.map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
			.toList();
		Map<ConfigResource, Config> configs = KafkaFailures.await(this.admin.describeConfigs(resources).all(),
				this.timeoutMs, "reading topic settings");
		List<Topic> topics = new ArrayList<>();
		descriptions.forEach((name, description) -> {
			Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
			if (config == null) {
				throw KafkaFailures.translate(new UnknownTopicOrPartitionException(name), "describing topics");
			}
			int copies = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
			topics.add(new Topic(name, description.partitions().size(), copies, topicConfig(config)));
		});
		return topics;
	}

	private static TopicConfig topicConfig(Config config) {
		Map<String, String> inForce = new HashMap<>();
		Map<String, String> explicit = new HashMap<>();
		for (ConfigEntry entry : config.entries()) {
			if (entry.value() == null) {
				continue;
			}
			inForce.put(entry.name(), entry.value());
			if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
				explicit.put(entry.name(), entry.value());
			}
		}
		return TopicConfig.reportedByEngine(inForce, explicit);
	}

	private record Sizes(Map<org.apache.kafka.common.TopicPartition, Long> bytes, long readAtMs) {
	}

}
