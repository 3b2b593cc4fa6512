package io.caudal.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/** Topic metadata rows: the {@code topics} and {@code topic_configs} tables. */
public class TopicRepository {

	private final JdbcClient jdbc;

	public TopicRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional
	public void insert(Topic topic, long createdAtMs) {
		this.jdbc.sql("INSERT INTO topics (name, partitions, created_at) VALUES (?, ?, ?)")
			.params(topic.name(), topic.partitions(), createdAtMs)
			.update();
		insertConfig(topic.name(), topic.config());
	}

	public List<Topic> findAll() {
		Map<String, Map<String, String>> configs = new HashMap<>();
		this.jdbc.sql("SELECT topic_name, config_key, config_value FROM topic_configs")
			.query(rs -> {
				configs.computeIfAbsent(rs.getString(1), name -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
			});
		List<Topic> topics = new ArrayList<>();
		this.jdbc.sql("SELECT name, partitions FROM topics ORDER BY name").query(rs -> {
			String name = rs.getString(1);
			topics.add(new Topic(name, rs.getInt(2), TopicConfig.fromStored(configs.getOrDefault(name, Map.of()))));
		});
		return topics;
	}

	public Optional<Topic> find(String name) {
		return findAll().stream().filter(topic -> topic.name().equals(name)).findFirst();
	}

	@Transactional
	public void update(Topic topic) {
		this.jdbc.sql("UPDATE topics SET partitions = ? WHERE name = ?").params(topic.partitions(), topic.name()).update();
		this.jdbc.sql("DELETE FROM topic_configs WHERE topic_name = ?").param(topic.name()).update();
		insertConfig(topic.name(), topic.config());
	}

	@Transactional
	public void delete(String name) {
		this.jdbc.sql("DELETE FROM topic_configs WHERE topic_name = ?").param(name).update();
		this.jdbc.sql("DELETE FROM topics WHERE name = ?").param(name).update();
	}

	private void insertConfig(String name, TopicConfig config) {
		config.overrides()
			.forEach((key, value) -> this.jdbc
				.sql("INSERT INTO topic_configs (topic_name, config_key, config_value) VALUES (?, ?, ?)")
				.params(name, key, value)
				.update());
	}

}
