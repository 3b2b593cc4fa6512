package io.caudal.security;

/** What an ACL protects, as Kafka's resource types; the one cluster is named {@link #CLUSTER_NAME}. */
public enum ResourceType {

	TOPIC, GROUP, CLUSTER;

	public static final String CLUSTER_NAME = "caudal";

}
