package io.caudal.security;

import java.util.EnumSet;
import java.util.Set;

/** What an ACL protects, as Kafka's resource types; the one cluster is named {@link #CLUSTER_NAME}. */
public enum ResourceType {

	TOPIC(EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE,
			AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS)),

	GROUP(EnumSet.of(AclOperation.READ, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE)),

	CLUSTER(EnumSet.of(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
			AclOperation.ALTER_CONFIGS));

	public static final String CLUSTER_NAME = "caudal";

	private final Set<AclOperation> operations;

	ResourceType(Set<AclOperation> operations) {
		this.operations = operations;
	}

	/** The operations Caudal checks on resources of this type. */
	public Set<AclOperation> operations() {
		return this.operations;
	}

}
