package io.caudal.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of security administration requests. */
final class SecurityRequests {

	private SecurityRequests() {
	}

	@Schema(description = "A new key principal", example = """
			{"name":"billing"}""")
	record NewPrincipal(@Schema(description = "1-249 characters of [a-zA-Z0-9._-], not '.' or '..'; the principal "
			+ "is then key:<name>", requiredMode = Schema.RequiredMode.REQUIRED,
			pattern = ApiDocumentCustomizer.NAME_PATTERN) String name) {
	}

	@Schema(name = "NewAcl", description = "An ACL to create, with the fields of Kafka's AclBinding", example = """
			{"resourceType":"TOPIC","resourceName":"orders-","patternType":"PREFIXED","principal":"key:billing","operation":"WRITE","permission":"ALLOW"}""")
	record Acl(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = { "TOPIC", "GROUP", "CLUSTER" })
			String resourceType,
			@Schema(description = "The resource's name, the start of names for PREFIXED, or * with LITERAL for "
					+ "every one; the cluster is named caudal", requiredMode = Schema.RequiredMode.REQUIRED)
			String resourceName,
			@Schema(description = "Default LITERAL", allowableValues = { "LITERAL", "PREFIXED" }) String patternType,
			@Schema(description = "A typed principal: key:<name>, jwt:<claim value> or cert:<subject CN>",
					requiredMode = Schema.RequiredMode.REQUIRED) String principal,
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
					allowableValues = { "ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE",
							"DESCRIBE_CONFIGS", "ALTER_CONFIGS" }) String operation,
			@Schema(description = "Default ALLOW", allowableValues = { "ALLOW", "DENY" }) String permission) {
	}

}
