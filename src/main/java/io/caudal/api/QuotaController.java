package io.caudal.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.caudal.security.AclOperation;
import io.caudal.security.Audited;
import io.caudal.security.QuotaLimits;
import io.caudal.security.Quotas;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Security")
class QuotaController {

	private final Quotas quotas;

	QuotaController(Quotas quotas) {
		this.quotas = quotas;
	}

	@PutMapping(path = "/quotas/{principal}", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "setQuota", summary = "Set a principal's quotas",
			description = "Kafka's client quotas, per second: producer_byte_rate (produce bodies), consumer_byte_rate "
					+ "(records answered or pushed, as encoded) and request_rate (REST calls). A quota left out or null "
					+ "has no limit, or the default's when `default` sets one. Over a quota a call is refused with 429 "
					+ "THROTTLED and Retry-After; sockets and streams are slowed instead. Only with security on. Needs "
					+ "ALTER_CONFIGS on the cluster.")
	@ApiResponse(responseCode = "200", description = "The principal's quotas as set")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a rate below 1 or a malformed principal")
	@Requires(value = AclOperation.ALTER_CONFIGS, on = ResourceType.CLUSTER)
	@Audited("QUOTA")
	Quota set(@Parameter(example = "key:billing") @PathVariable String principal, @RequestBody Quota request) {
		return Quota.of(principal, this.quotas.set(principal, request.limits()));
	}

	@GetMapping(path = "/quotas", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listQuotas", summary = "List quotas",
			description = "Every principal with quotas, `default` included. Needs DESCRIBE_CONFIGS on the cluster.")
	@Requires(value = AclOperation.DESCRIBE_CONFIGS, on = ResourceType.CLUSTER)
	List<Quota> list() {
		return this.quotas.list().entrySet().stream().map(entry -> Quota.of(entry.getKey(), entry.getValue())).toList();
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/quotas/{principal}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "deleteQuota", summary = "Remove a principal's quotas",
			description = "The principal falls back to the default's quotas, if any. Needs ALTER_CONFIGS on the "
					+ "cluster.")
	@ApiResponse(responseCode = "204", description = "Removed, or there were none")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a malformed principal")
	@Requires(value = AclOperation.ALTER_CONFIGS, on = ResourceType.CLUSTER)
	@Audited("QUOTA")
	ResponseEntity<Void> delete(@Parameter(example = "key:billing") @PathVariable String principal) {
		this.quotas.set(principal, new QuotaLimits(null, null, null));
		return ResponseEntity.noContent().build();
	}

	@Schema(description = "A principal's quotas, per second; null: no limit of its own", example = """
			{"producer_byte_rate":1048576,"consumer_byte_rate":2097152,"request_rate":100}""")
	record Quota(@Schema(description = "A typed principal, or default; set from the path", accessMode = Schema.AccessMode.READ_ONLY)
			String principal,
			@JsonProperty("producer_byte_rate") @Schema(description = "Bytes of produce bodies per second",
					minimum = "1", types = { "integer", "null" }, format = "int64") Long producerByteRate,
			@JsonProperty("consumer_byte_rate") @Schema(description = "Bytes of records answered per second",
					minimum = "1", types = { "integer", "null" }, format = "int64") Long consumerByteRate,
			@JsonProperty("request_rate") @Schema(description = "REST calls per second", minimum = "1",
					types = { "integer", "null" }, format = "int64") Long requestRate) {

		static Quota of(String principal, QuotaLimits limits) {
			return new Quota(principal, limits.producerByteRate(), limits.consumerByteRate(), limits.requestRate());
		}

		QuotaLimits limits() {
			return new QuotaLimits(this.producerByteRate, this.consumerByteRate, this.requestRate);
		}

	}

}
