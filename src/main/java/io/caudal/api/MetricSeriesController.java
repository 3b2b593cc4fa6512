package io.caudal.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.metrics.MeterHistory;
import io.caudal.security.AccessControl;
import io.caudal.security.AclOperation;
import io.caudal.security.AuthorizedInHandler;
import io.caudal.security.ResourceType;
import io.micrometer.core.instrument.Meter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Metrics", description = "Recent history of Caudal's meters, for charts")
class MetricSeriesController {

	private final MeterHistory history;

	private final AccessControl access;

	MetricSeriesController(MeterHistory history, AccessControl access) {
		this.history = history;
		this.access = access;
	}

	@GetMapping(path = "/metrics/series", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "metricSeries", summary = "The last 15 minutes of a meter",
			description = "One of Caudal's meters (names starting with caudal., as in /actuator/metrics), sampled "
					+ "every second on this node for the last 15 minutes. Counts that only grow (counters, the counts "
					+ "of timers) are given as their increase per second, other meters as their value. The meters "
					+ "with the name and every tag given are summed per second; seconds where none had a sample are "
					+ "left out.")
	@ApiResponse(responseCode = "200", description = "The series, oldest point first")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a tag not written key:value, or a name that "
			+ "is not one of the meters sampled")
	@AuthorizedInHandler("DESCRIBE on the topic of a topic tag and on the group of a group tag; DESCRIBE on the "
			+ "cluster when neither tag is given; without DESCRIBE on the cluster, only meters of topics and groups the "
			+ "caller may DESCRIBE count")
	Series series(@Parameter(description = "A meter's name, as in /actuator/metrics",
			example = "caudal.records.in") @RequestParam String name,
			@Parameter(description = "A tag the meters must have, key:value; repeat it for several",
					array = @ArraySchema(schema = @Schema(example = "topic:orders"))) @RequestParam(
							required = false) List<String> tag) {
		Map<String, String> tags = new LinkedHashMap<>();
		for (String pair : (tag != null) ? tag : List.<String>of()) {
			int colon = pair.indexOf(':');
			if (colon <= 0) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST,
						"A tag is written key:value, as topic:orders; '" + pair + "' is not.");
			}
			tags.put(pair.substring(0, colon), pair.substring(colon + 1));
		}
		requireRights(tags);
		List<MeterHistory.Point> points = this.history.series(name, tags, visibleMeters());
		if (points == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "'" + name + "' is not one of the meters sampled: "
					+ String.join(", ", this.history.names()) + ".");
		}
		return new Series(name, tags, MeterHistory.INTERVAL_MS,
				points.stream().map(point -> List.<Number>of(point.epochMs(), point.value())).toList());
	}

	/**
	 * The meters the caller may see: all of them with DESCRIBE on the cluster, as in /actuator/metrics; else those
	 * whose topic and group it may DESCRIBE, since a meter of one topic may also name groups (a group's lag).
	 */
	private Predicate<Meter.Id> visibleMeters() {
		if (this.access.allows(AclOperation.DESCRIBE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)) {
			return id -> true;
		}
		return id -> describable(ResourceType.TOPIC, id.getTag("topic"))
				&& describable(ResourceType.GROUP, id.getTag("group"));
	}

	private boolean describable(ResourceType type, String name) {
		return name == null || this.access.allows(AclOperation.DESCRIBE, type, name);
	}

	private void requireRights(Map<String, String> tags) {
		String topic = tags.get("topic");
		String group = tags.get("group");
		if (topic != null) {
			this.access.require(AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
		}
		if (group != null) {
			this.access.require(AclOperation.DESCRIBE, ResourceType.GROUP, group);
		}
		if (topic == null && group == null) {
			this.access.require(AclOperation.DESCRIBE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
		}
	}

	@Schema(example = """
			{"name":"caudal.records.in","tags":{"topic":"orders"},"intervalMs":1000,
			"points":[[1764000000000,120.0],[1764000001000,118.0]]}""")
	record Series(String name, Map<String, String> tags, long intervalMs,
			@ArraySchema(schema = @Schema(description = "[epochMs, value]", type = "array",
					example = "[1764000000000,120.0]")) List<List<Number>> points) {
	}

}
