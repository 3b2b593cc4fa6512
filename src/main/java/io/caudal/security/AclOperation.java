package io.caudal.security;

import java.util.EnumSet;
import java.util.Set;

/** Kafka's ACL operations, with Kafka's implications: READ, WRITE, DELETE and ALTER imply DESCRIBE. */
public enum AclOperation {

	ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS;

	/** The operations an ALLOW of this one grants: itself, everything for ALL, and what it implies. */
	Set<AclOperation> allowed() {
		return switch (this) {
			case ALL -> EnumSet.allOf(AclOperation.class);
			case READ, WRITE, DELETE, ALTER -> EnumSet.of(this, DESCRIBE);
			case ALTER_CONFIGS -> EnumSet.of(this, DESCRIBE_CONFIGS);
			default -> EnumSet.of(this);
		};
	}

	/** The operations a DENY of this one refuses: itself, or everything for ALL (a deny implies nothing else). */
	Set<AclOperation> denied() {
		return (this == ALL) ? EnumSet.allOf(AclOperation.class) : EnumSet.of(this);
	}

}
