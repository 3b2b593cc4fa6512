package io.caudal.security;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Kafka's ACL operations, with Kafka's implications: READ, WRITE, DELETE and ALTER imply DESCRIBE. */
public enum AclOperation {

	ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS;

	private static final Map<AclOperation, Set<AclOperation>> ALLOWED = new EnumMap<>(AclOperation.class);

	private static final Map<AclOperation, Set<AclOperation>> DENIED = new EnumMap<>(AclOperation.class);

	// Worked out once: the authorizer asks for every ACL it reads.
	static {
		for (AclOperation operation : values()) {
			ALLOWED.put(operation, Collections.unmodifiableSet(switch (operation) {
				case ALL -> EnumSet.allOf(AclOperation.class);
				case READ, WRITE, DELETE, ALTER -> EnumSet.of(operation, DESCRIBE);
				case ALTER_CONFIGS -> EnumSet.of(operation, DESCRIBE_CONFIGS);
				default -> EnumSet.of(operation);
			}));
			DENIED.put(operation, Collections.unmodifiableSet(
					(operation == ALL) ? EnumSet.allOf(AclOperation.class) : EnumSet.of(operation)));
		}
	}

	/** The operations an ALLOW of this one grants: itself, everything for ALL, and what it implies. */
	Set<AclOperation> allowed() {
		return ALLOWED.get(this);
	}

	/** The operations a DENY of this one refuses: itself, or everything for ALL (a deny implies nothing else). */
	Set<AclOperation> denied() {
		return DENIED.get(this);
	}

}
