package io.caudal.api;

import io.caudal.error.ErrorCode;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * How the API document describes every error answer: RFC 9457 problem details with the contract's {@code code} and
 * the extension fields some codes carry. {@link Problems} builds the answers themselves.
 */
@Schema(name = "Problem", description = "An error, as RFC 9457 problem details (application/problem+json)",
		requiredProperties = { "type", "title", "status", "detail", "code" }, example = """
				{"type":"https://caudal.io/problems/offset-out-of-range","title":"Offset out of range","status":416,\
				"detail":"Offset 99 is outside [0, 42] of orders-0.","instance":"/topics/orders/partitions/0/records",\
				"code":"OFFSET_OUT_OF_RANGE","startOffset":0,"endOffset":42}""")
record ApiProblem(@Schema(description = "A URI naming the kind of problem", format = "uri") String type,
		@Schema(description = "The code's fixed title") String title,
		@Schema(description = "The HTTP status") int status,
		@Schema(description = "What went wrong with this request, in a sentence") String detail,
		@Schema(description = "The path of the request", format = "uri-reference") String instance,
		@Schema(description = "The machine-readable error code; WebSocket error frames carry the same codes")
		ErrorCode code,
		@Schema(description = "OFFSET_OUT_OF_RANGE: the partition's first offset") Long startOffset,
		@Schema(description = "OFFSET_OUT_OF_RANGE: the partition's end offset") Long endOffset,
		@Schema(description = "RECORD_TOO_LARGE: the topic's max.message.bytes") Integer maxMessageBytes,
		@Schema(description = "REQUEST_TOO_LARGE: the server's caudal.max-request-size in bytes") Long maxBytes,
		@Schema(description = "RECORD_TOO_LARGE, INVALID_TIMESTAMP: the position of the refused record in the request") Integer index,
		@Schema(description = "RESOURCE_LIMIT: the partitions the server holds now") Integer partitions,
		@Schema(description = "RESOURCE_LIMIT: the server's caudal.max-partitions-total") Integer maxPartitionsTotal,
		@Schema(description = "RESOURCE_LIMIT: seconds to wait before a retry, as Retry-After says")
		Integer retryAfterSeconds,
		@Schema(description = "NO_COMMITTED_OFFSET: the topic of the partition without one") String topic,
		@Schema(description = "NO_COMMITTED_OFFSET: the partition without one") Integer partition,
		@Schema(description = "FENCED_MEMBER: the member's current generation") Integer generation,
		@Schema(description = "RESOURCE_LIMIT: the cap that was reached") Integer limit,
		@Schema(description = "NOT_AUTHORIZED: the operation refused, as in ACLs") String operation,
		@Schema(description = "NOT_AUTHORIZED: the type of the resource it was refused on") String resourceType,
		@Schema(description = "NOT_AUTHORIZED: the name of that resource") String resourceName) {
}
