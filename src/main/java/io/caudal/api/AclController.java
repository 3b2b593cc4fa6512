package io.caudal.api;

import java.net.URI;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AclBinding;
import io.caudal.security.AclFields;
import io.caudal.security.AclFilter;
import io.caudal.security.AclOperation;
import io.caudal.security.AclStore;
import io.caudal.security.Audited;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping(path = "/acls", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Security")
class AclController {

	private final AclStore acls;

	AclController(AclStore acls) {
		this.acls = acls;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createAcl", summary = "Create an ACL",
			description = "Kafka's model: a DENY that matches wins over every ALLOW; READ, WRITE, DELETE and ALTER "
					+ "imply DESCRIBE. It takes effect at once, also for open sockets and streams. Creating an ACL "
					+ "that exists changes nothing. Needs ALTER on the cluster.")
	@ApiResponse(responseCode = "201", description = "Created; Location lists it")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a missing or unknown field")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: caudal.security.max-acls exist")
	@Requires(value = AclOperation.ALTER, on = ResourceType.CLUSTER)
	@Audited("ACL")
	ResponseEntity<SecurityResponses.Acl> create(@RequestBody SecurityRequests.Acl request) {
		AclBinding acl = AclFields.binding(request.resourceType(), request.resourceName(), request.patternType(),
				request.principal(), request.operation(), request.permission());
		this.acls.create(acl);
		URI location = UriComponentsBuilder.fromPath("/acls")
			.queryParam("resourceType", acl.resourceType())
			.queryParam("resourceName", acl.resourceName())
			.queryParam("patternType", acl.patternType())
			.queryParam("principal", acl.principal().toString())
			.queryParam("operation", acl.operation())
			.queryParam("permission", acl.permission())
			.encode()
			.build()
			.toUri();
		return ResponseEntity.created(location).body(SecurityResponses.Acl.of(acl));
	}

	@GetMapping
	@Operation(operationId = "listAcls", summary = "List ACLs",
			description = "The ACLs matching every filter given (none: all of them). Needs DESCRIBE on the cluster.")
	@ApiResponse(responseCode = "200", description = "The ACLs")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: an unknown value")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.CLUSTER)
	List<SecurityResponses.Acl> list(@ParameterObject AclQuery query) {
		return this.acls.list(query.filter()).stream().map(SecurityResponses.Acl::of).toList();
	}

	@DeleteMapping
	@Operation(operationId = "deleteAcls", summary = "Delete ACLs",
			description = "Deletes the ACLs matching every filter given; at least one filter is needed. Open "
					+ "sockets and streams that relied on them end within seconds. Needs ALTER on the cluster.")
	@ApiResponse(responseCode = "200", description = "The ACLs deleted")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: no filter, or an unknown value")
	@Requires(value = AclOperation.ALTER, on = ResourceType.CLUSTER)
	@Audited("ACL")
	SecurityResponses.DeletedAcls delete(@ParameterObject AclQuery query) {
		AclFilter filter = query.filter();
		if (filter.isEmpty()) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"Give at least one filter; to delete every ACL, filter by each principal in turn.");
		}
		return new SecurityResponses.DeletedAcls(
				this.acls.delete(filter).stream().map(SecurityResponses.Acl::of).toList());
	}

	/** The filters of listing and deleting ACLs: each one given must match. */
	record AclQuery(
			@Parameter(description = "Only ACLs on this resource type: TOPIC, GROUP or CLUSTER") String resourceType,
			@Parameter(description = "Only ACLs with exactly this resource name (or prefix)") String resourceName,
			@Parameter(description = "Only ACLs with this pattern type: LITERAL or PREFIXED") String patternType,
			@Parameter(description = "Only ACLs of this typed principal, e.g. key:billing") String principal,
			@Parameter(description = "Only ACLs of this operation") String operation,
			@Parameter(description = "Only ALLOW or only DENY ACLs") String permission) {

		AclFilter filter() {
			return AclFields.filter(this.resourceType, this.resourceName, this.patternType, this.principal,
					this.operation, this.permission);
		}

	}

}
