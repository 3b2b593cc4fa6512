package io.caudal.api;

import java.time.Instant;
import java.util.List;

import io.caudal.security.AclBinding;
import io.caudal.security.ApiKeys;
import io.caudal.security.SocketTickets;
import io.swagger.v3.oas.annotations.media.Schema;

/** The answers of security administration requests. */
final class SecurityResponses {

	private SecurityResponses() {
	}

	@Schema(description = "A key principal, key:<name>")
	record Principal(String name) {
	}

	@Schema(description = "A new API key: the only time the key itself is shown; the server keeps only its hash")
	record NewKey(@Schema(description = "The key's id, to list or revoke it") String id,
			@Schema(description = "The secret: cdl_ and 43 base64url characters (256 random bits)",
					example = "cdl_Qm9vdHN0cmFwS2V5Rm9yVGhlRG9jdW1lbnRFeGFtcGxlMQ") String key,
			Instant createdAt) {

		static NewKey of(ApiKeys.NewKey key) {
			return new NewKey(key.id(), key.key(), key.createdAt());
		}

	}

	@Schema(description = "An API key as listed: never the key itself")
	record Key(String id, Instant createdAt) {

		static Key of(ApiKeys.KeyInfo key) {
			return new Key(key.id(), key.createdAt());
		}

	}

	@Schema(description = "An ACL, with the fields of Kafka's AclBinding")
	record Acl(@Schema(allowableValues = { "TOPIC", "GROUP", "CLUSTER" }) String resourceType, String resourceName,
			@Schema(allowableValues = { "LITERAL", "PREFIXED" }) String patternType,
			@Schema(description = "A typed principal", example = "key:billing") String principal,
			@Schema(allowableValues = { "ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE",
					"DESCRIBE_CONFIGS", "ALTER_CONFIGS" }) String operation,
			@Schema(allowableValues = { "ALLOW", "DENY" }) String permission) {

		static Acl of(AclBinding acl) {
			return new Acl(acl.resourceType().name(), acl.resourceName(), acl.patternType().name(),
					acl.principal().toString(), acl.operation().name(), acl.permission().name());
		}

	}

	@Schema(description = "The ACLs a delete removed")
	record DeletedAcls(List<Acl> deleted) {
	}

	@Schema(description = "Who the caller is")
	record Session(@Schema(description = "The caller's typed principal; anonymous when security is off",
			example = "key:billing") String principal,
			@Schema(description = "Whether the server checks identities and ACLs") boolean securityEnabled,
			@Schema(description = "The operations on the cluster the caller may perform (all of them with security "
					+ "off): CREATE makes topics, DESCRIBE sees health details and meters, ALTER manages principals, "
					+ "keys and ACLs", example = "[\"CREATE\",\"DESCRIBE\"]") List<String> authorizedOperations) {
	}

	@Schema(description = "A single-use ticket for one WebSocket handshake (?ticket=), valid 30 s")
	record Ticket(@Schema(example = "cdt_VGlja2V0Rm9yVGhlRG9jdW1lbnRFeGFtcGxlT25seTEyMzQ") String ticket,
			Instant expiresAt) {

		static Ticket of(SocketTickets.Ticket ticket) {
			return new Ticket(ticket.ticket(), ticket.expiresAt());
		}

	}

}
