package io.caudal.security;

/** One ACL, with the fields of Kafka's {@code AclBinding}; the principal is typed ({@code key:billing}). */
public record AclBinding(ResourceType resourceType, String resourceName, PatternType patternType,
		CaudalPrincipal principal, AclOperation operation, Permission permission) {

	boolean matches(ResourceType type, String name) {
		return this.resourceType == type && this.patternType.matches(this.resourceName, name);
	}

}
