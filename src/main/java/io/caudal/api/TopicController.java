package io.caudal.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicService;
import io.caudal.security.AccessControl;
import io.caudal.security.Audited;
import io.caudal.security.AuthorizedInHandler;
import io.caudal.security.AclOperation;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/topics", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Topics", description = "Create, list, describe, grow and delete topics")
class TopicController {

	private final TopicService topics;

	private final AccessControl access;

	TopicController(TopicService topics, AccessControl access) {
		this.topics = topics;
		this.access = access;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createTopic", summary = "Create a topic",
			description = "Creates a topic with empty partitions. Unknown config keys and bad values are refused.")
	@ApiResponse(responseCode = "201", description = "Created; Location names the topic")
	@ApiResponse(responseCode = "400", description = "Bad name (INVALID_TOPIC_NAME), count (INVALID_REQUEST) or config (INVALID_CONFIG)")
	@ApiResponse(responseCode = "409", description = "TOPIC_EXISTS")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the server holds caudal.max-partitions-total "
			+ "partitions")
	@AuthorizedInHandler("CREATE on the cluster, or CREATE on the topic named in the body")
	@Audited("TOPIC")
	ResponseEntity<TopicResponses.Description> create(@RequestBody TopicRequests.Create request) {
		if (request.name() == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Field 'name' is required.");
		}
		if (!this.access.allows(AclOperation.CREATE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)) {
			this.access.require(AclOperation.CREATE, ResourceType.TOPIC, request.name());
		}
		int partitions = (request.partitions() != null) ? request.partitions() : 1;
		var description = TopicResponses.Description.of(this.topics.create(request.name(), partitions,
				request.replicationFactor(), request.config()), this.access);
		return ResponseEntity.created(URI.create("/topics/" + request.name())).body(description);
	}

	@GetMapping
	@Operation(operationId = "listTopics", summary = "List topics", description = "Every topic with its partition count, sorted by name.")
	@AuthorizedInHandler("lists only the topics the caller may DESCRIBE")
	List<TopicResponses.Summary> list() {
		return this.topics.list()
			.stream()
			.filter(topic -> this.access.allows(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name()))
			.map(TopicResponses.Summary::of)
			.toList();
	}

	@GetMapping("/{topic}")
	@Operation(operationId = "describeTopic", summary = "Describe a topic",
			description = "The topic's settings in force and, per partition, its start offset, end offset "
					+ "(the offset the next record gets) and size on disk.")
	@ApiResponse(responseCode = "200", description = "The topic")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.TOPIC, name = "topic")
	TopicResponses.Description describe(@Parameter(example = "orders") @PathVariable String topic) {
		return TopicResponses.Description.of(this.topics.describe(topic), this.access);
	}

	@GetMapping("/{topic}/partition-for")
	@Operation(operationId = "partitionForKey", summary = "The partition of a key",
			description = "The partition a record with this key goes to today: Kafka's producer's choice, "
					+ "toPositive(murmur2(UTF-8 bytes of the key)) % partitions. Growing the topic may change it.")
	@ApiResponse(responseCode = "200", description = "The partition")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: no key")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.TOPIC, name = "topic")
	TopicResponses.PartitionForKey partitionFor(@Parameter(example = "orders") @PathVariable String topic,
			@Parameter(description = "The record key, as a string (UTF-8)", example = "user-42") @RequestParam String key) {
		return new TopicResponses.PartitionForKey(
				this.topics.partitionForKey(topic, key.getBytes(StandardCharsets.UTF_8)));
	}

	@PatchMapping(path = "/{topic}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "updateTopic", summary = "Grow a topic or change its settings",
			description = "Adds partitions (never removes them) and/or changes settings. Growing a topic remaps "
					+ "keys: later records of a key may land on another partition than earlier ones, as in Kafka.")
	@ApiResponse(responseCode = "200", description = "The updated topic")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the server holds caudal.max-partitions-total "
			+ "partitions")
	@ApiResponse(responseCode = "400", description = "Fewer partitions than now (INVALID_REQUEST) or a bad config (INVALID_CONFIG)")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@AuthorizedInHandler("ALTER on the topic to add partitions, ALTER_CONFIGS to change settings")
	@Audited("TOPIC")
	TopicResponses.Description update(@Parameter(example = "orders") @PathVariable String topic,
			@RequestBody TopicRequests.Update request) {
		if (request.partitions() == null && request.config() == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Give 'partitions', 'config' or both.");
		}
		if (request.partitions() != null) {
			this.access.require(AclOperation.ALTER, ResourceType.TOPIC, topic);
		}
		if (request.config() != null) {
			this.access.require(AclOperation.ALTER_CONFIGS, ResourceType.TOPIC, topic);
		}
		return TopicResponses.Description.of(this.topics.update(topic, request.partitions(), request.config()),
				this.access);
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/{topic}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "deleteTopic", summary = "Delete a topic", description = "Removes the topic, its files and every group's committed offsets for it.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@Requires(value = AclOperation.DELETE, on = ResourceType.TOPIC, name = "topic")
	@Audited("TOPIC")
	ResponseEntity<Void> delete(@Parameter(example = "orders") @PathVariable String topic) {
		this.topics.delete(topic);
		return ResponseEntity.noContent().build();
	}

}
