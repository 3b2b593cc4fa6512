package io.caudal.api;

import java.net.URI;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AclOperation;
import io.caudal.security.ApiKeys;
import io.caudal.security.Audited;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping(path = "/principals", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Security", description = "Key principals and their API keys, ACLs, sessions and socket tickets")
class PrincipalController {

	private static final String KEY_ID = "3b0e8f4a-9c1d-4e2f-8a7b-6c5d4e3f2a1b";

	private final ApiKeys keys;

	PrincipalController(ApiKeys keys) {
		this.keys = keys;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createPrincipal", summary = "Create a key principal",
			description = "Creates the principal key:<name>, which API keys then prove. Needs ALTER on the cluster.")
	@ApiResponse(responseCode = "201", description = "Created; Location names the principal")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a name breaking the topic-name rule")
	@ApiResponse(responseCode = "409", description = "PRINCIPAL_EXISTS")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: caudal.security.max-principals exist")
	@Requires(value = AclOperation.ALTER, on = ResourceType.CLUSTER)
	@Audited("PRINCIPAL")
	ResponseEntity<SecurityResponses.Principal> create(@RequestBody SecurityRequests.NewPrincipal request) {
		if (request.name() == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Field 'name' is required.");
		}
		this.keys.createPrincipal(request.name());
		URI location = UriComponentsBuilder.fromPath("/principals/{name}").buildAndExpand(request.name()).toUri();
		return ResponseEntity.created(location).body(new SecurityResponses.Principal(request.name()));
	}

	@GetMapping
	@Operation(operationId = "listPrincipals", summary = "List key principals",
			description = "Every key principal, sorted by name. Needs DESCRIBE on the cluster.")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.CLUSTER)
	List<SecurityResponses.Principal> list() {
		return this.keys.principals().stream().map(SecurityResponses.Principal::new).toList();
	}

	@GetMapping("/{name}")
	@Operation(operationId = "describePrincipal", summary = "Describe a key principal",
			description = "Needs DESCRIBE on the cluster.")
	@ApiResponse(responseCode = "200", description = "The principal")
	@ApiResponse(responseCode = "404", description = "PRINCIPAL_NOT_FOUND")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.CLUSTER)
	SecurityResponses.Principal describe(@Parameter(example = "billing") @PathVariable String name) {
		this.keys.keys(name);
		return new SecurityResponses.Principal(name);
	}

	@PostMapping("/{name}/keys")
	@Operation(operationId = "createKey", summary = "Create an API key",
			description = "Makes a key for the principal. The answer is the only time the key is shown: the server "
					+ "keeps its SHA-256 only. Send it as Authorization: Bearer <key>. Needs ALTER on the cluster.")
	@ApiResponse(responseCode = "201", description = "Created; Location names the key")
	@ApiResponse(responseCode = "404", description = "PRINCIPAL_NOT_FOUND")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the principal holds "
			+ "caudal.security.max-keys-per-principal keys")
	@Requires(value = AclOperation.ALTER, on = ResourceType.CLUSTER)
	@Audited("KEY")
	ResponseEntity<SecurityResponses.NewKey> createKey(@Parameter(example = "billing") @PathVariable String name) {
		ApiKeys.NewKey key = this.keys.createKey(name);
		URI location = UriComponentsBuilder.fromPath("/principals/{name}/keys/{id}")
			.buildAndExpand(name, key.id())
			.toUri();
		return ResponseEntity.created(location).body(SecurityResponses.NewKey.of(key));
	}

	@GetMapping("/{name}/keys")
	@Operation(operationId = "listKeys", summary = "List a principal's API keys",
			description = "Ids and creation times, oldest first; never the keys. Needs DESCRIBE on the cluster.")
	@ApiResponse(responseCode = "200", description = "The keys")
	@ApiResponse(responseCode = "404", description = "PRINCIPAL_NOT_FOUND")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.CLUSTER)
	List<SecurityResponses.Key> listKeys(@Parameter(example = "billing") @PathVariable String name) {
		return this.keys.keys(name).stream().map(SecurityResponses.Key::of).toList();
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/{name}/keys/{id}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "revokeKey", summary = "Revoke an API key",
			description = "The key authenticates nothing from now on; sockets, streams and sessions opened with it "
					+ "end within seconds, and its waiting long polls answer 401. The principal's other keys go on "
					+ "working. Needs ALTER on the cluster.")
	@ApiResponse(responseCode = "204", description = "Revoked")
	@ApiResponse(responseCode = "404", description = "PRINCIPAL_NOT_FOUND or KEY_NOT_FOUND")
	@Requires(value = AclOperation.ALTER, on = ResourceType.CLUSTER)
	@Audited("KEY")
	ResponseEntity<Void> revokeKey(@Parameter(example = "billing") @PathVariable String name,
			@Parameter(example = KEY_ID) @PathVariable String id) {
		this.keys.revoke(name, id);
		return ResponseEntity.noContent().build();
	}

}
