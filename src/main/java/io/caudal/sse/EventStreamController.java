package io.caudal.sse;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AccessControl;
import io.caudal.security.AclOperation;
import io.caudal.security.CaudalPrincipal;
import io.caudal.security.LiveConnections;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.Quotas;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.caudal.security.Right;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /topics/{topic}/events}: a topic's records pushed as Server-Sent Events, for clients with nothing but
 * HTTP ({@code curl -N}, a browser's {@code EventSource}). Thin: it hands the request to {@link EventStreams}.
 */
@RestController
@Tag(name = "Records")
class EventStreamController {

	private final EventStreams streams;

	private final LiveConnections live;

	private final Quotas quotas;

	private final PrincipalSlots slots;

	EventStreamController(EventStreams streams, LiveConnections live, Quotas quotas, PrincipalSlots slots) {
		this.streams = streams;
		this.live = live;
		this.quotas = quotas;
		this.slots = slots;
	}

	@GetMapping("/topics/{topic}/events")
	@Operation(operationId = "streamEvents", summary = "Follow a topic as Server-Sent Events",
			description = "Answers text/event-stream: each `event: records` carries `data:` in the fetch shape "
					+ "(`{\"records\":[…]}`) and an `id:` that encodes every partition's next offset. Reconnecting "
					+ "with `Last-Event-ID` (as EventSource does) resumes exactly after the last event received, on "
					+ "any node and after a restart. The stream starts with an id alone, so a reconnect before the "
					+ "first records resumes there too. `event: skip` reports records retention deleted before the "
					+ "stream reached them; `event: error` ends the stream (its topic was deleted). Partitions added "
					+ "to the topic are read from their start. Idle streams get a `: keep-alive` comment every 15 s.")
	@ApiResponse(responseCode = "200", description = "The stream",
			content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a bad `from` or `Last-Event-ID`")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: caudal.sse.max-streams streams are open, or "
			+ "(security on) the caller has caudal.security.max-streams-per-principal open")
	@Requires(value = AclOperation.READ, on = ResourceType.TOPIC, name = "topic")
	void events(@Parameter(example = "orders") @PathVariable String topic,
			@Parameter(description = "Where each partition starts without `Last-Event-ID`: earliest, latest "
					+ "(default) or timestamp:T (epoch ms)", example = "earliest",
					schema = @Schema(type = "string", pattern = "^(earliest|latest|timestamp:[0-9]+)$")) @RequestParam(
							required = false) String from,
			@Parameter(description = "The id of the last event received, to resume after it") @RequestHeader(
					name = "Last-Event-ID", required = false) String lastEventId,
			HttpServletRequest request, HttpServletResponse response) {
		CaudalPrincipal caller = AccessControl.caller();
		PrincipalSlots.Slot slot = this.slots.tryTake(caller, PrincipalSlots.Kind.STREAMS);
		if (slot == null) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal '" + caller + "' has "
					+ this.slots.limit(PrincipalSlots.Kind.STREAMS) + " event streams open, the most one principal "
					+ "may (caudal.security.max-streams-per-principal); close one first.");
		}
		EventStream stream;
		try {
			stream = this.streams.open(topic, from, lastEventId, request, response, this.quotas.throttle(caller),
					slot::release);
		}
		catch (RuntimeException ex) {
			slot.release();
			throw ex;
		}
		this.live.watch(SecurityContextHolder.getContext().getAuthentication(),
				List.of(new Right(AclOperation.READ, ResourceType.TOPIC, topic)), stream::isOpen, stream::fail);
	}

}
