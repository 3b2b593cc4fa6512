package io.caudal.security;

/** Which ACLs to list or delete: each non-null field must equal the ACL's; a filter of nulls matches every ACL. */
public record AclFilter(ResourceType resourceType, String resourceName, PatternType patternType,
		CaudalPrincipal principal, AclOperation operation, Permission permission) {

	boolean matches(AclBinding acl) {
		return (this.resourceType == null || this.resourceType == acl.resourceType())
				&& (this.resourceName == null || this.resourceName.equals(acl.resourceName()))
				&& (this.patternType == null || this.patternType == acl.patternType())
				&& (this.principal == null || this.principal.equals(acl.principal()))
				&& (this.operation == null || this.operation == acl.operation())
				&& (this.permission == null || this.permission == acl.permission());
	}

	public boolean isEmpty() {
		return this.resourceType == null && this.resourceName == null && this.patternType == null
				&& this.principal == null && this.operation == null && this.permission == null;
	}

}
