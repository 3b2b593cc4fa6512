package io.caudal.error;

/**
 * The machine-readable error codes of the public contract, each with the HTTP status and the
 * fixed title it is answered with. WebSocket {@code error} frames carry the same codes.
 */
public enum ErrorCode {

	INVALID_REQUEST(400, "Invalid request"),
	INVALID_TOPIC_NAME(400, "Invalid topic name"),
	INVALID_CONFIG(400, "Invalid topic configuration"),
	TOPIC_EXISTS(409, "Topic already exists"),
	TOPIC_NOT_FOUND(404, "Topic not found"),
	PARTITION_NOT_FOUND(404, "Partition not found"),
	OFFSET_OUT_OF_RANGE(416, "Offset out of range"),
	RECORD_TOO_LARGE(413, "Record too large"),
	REQUEST_TOO_LARGE(413, "Request too large"),
	GROUP_NOT_FOUND(404, "Group not found"),
	UNKNOWN_MEMBER(409, "Unknown member"),
	FENCED_MEMBER(409, "Fenced member"),
	NO_COMMITTED_OFFSET(409, "No committed offset"),
	GROUP_NOT_EMPTY(409, "Group not empty"),
	STORAGE_ERROR(503, "Storage error"),
	/** A record timestamp outside the topic's message.timestamp.before/after.max.ms window. */
	INVALID_TIMESTAMP(400, "Invalid timestamp"),
	/** An Idempotency-Key used again, within its window, with another request body. */
	IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
	/** An Idempotency-Key whose first request is still in flight. */
	IDEMPOTENCY_KEY_IN_USE(409, "Idempotency key in use"),
	/** No identity, or one that does not check out (an unknown key, an expired token); with WWW-Authenticate. */
	UNAUTHENTICATED(401, "Unauthenticated"),
	/** The caller's ACLs do not allow the operation on the resource, both named in the detail. */
	NOT_AUTHORIZED(403, "Not authorized"),
	/** Over one of the caller's quotas; with Retry-After. */
	THROTTLED(429, "Throttled"),
	PRINCIPAL_EXISTS(409, "Principal already exists"),
	PRINCIPAL_NOT_FOUND(404, "Principal not found"),
	KEY_NOT_FOUND(404, "Key not found"),
	/** A server-wide or per-principal cap is reached (partitions, groups, members, sockets, streams). */
	RESOURCE_LIMIT(429, "Resource limit reached"),
	/** Not a client mistake: a fault of the server, logged with its cause. */
	INTERNAL_ERROR(500, "Internal error");

	private final int status;

	private final String title;

	ErrorCode(int status, String title) {
		this.status = status;
		this.title = title;
	}

	public int status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	/** A stable URI naming this kind of problem, the {@code type} of a problem-details answer. */
	public String typeUri() {
		return "https://caudal.io/problems/" + name().toLowerCase().replace('_', '-');
	}

}
