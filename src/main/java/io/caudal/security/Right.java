package io.caudal.security;

/** One (operation, resource) an open connection keeps needing, as its ACL check is made. */
public record Right(AclOperation operation, ResourceType type, String name) {
}
