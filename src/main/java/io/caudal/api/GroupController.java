package io.caudal.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.group.GroupCoordinator;
import io.caudal.group.MemberConfig;
import io.caudal.group.MemberListener;
import io.caudal.group.MemberSubscription;
import io.caudal.group.Transport;
import io.caudal.offset.PartitionOffset;
import io.caudal.security.AccessControl;
import io.caudal.security.Audited;
import io.caudal.security.AuthorizedInHandler;
import io.caudal.security.CaudalPrincipal;
import io.caudal.security.AclOperation;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.QuotaCounted;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.caudal.security.StaticInstances;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping(path = "/groups", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Consumer groups",
		description = "Members share the partitions of their topics: join, poll (also a heartbeat), commit, leave")
class GroupController {

	private static final String SEEN_GENERATION = "The latest generation the member saw. Partitions it was told to "
			+ "give up in an answer of that generation or earlier are released; without it, none is.";

	private static final String UNKNOWN_MEMBER = "UNKNOWN_MEMBER: the member's session ended or it left; join again";

	private static final String MEMBER_TOPICS = "READ on each topic the member reads";

	private static final String MEMBER_ID = "5f0c7a1e-0d7b-4a43-9b0e-2f4d1c9a8e11";

	private final GroupCoordinator coordinator;

	private final AccessControl access;

	private final StaticInstances instances;

	private final PrincipalSlots slots;

	private final int maxMembersPerPrincipal;

	GroupController(GroupCoordinator coordinator, AccessControl access, StaticInstances instances,
			PrincipalSlots slots, CaudalProperties properties) {
		this.coordinator = coordinator;
		this.access = access;
		this.instances = instances;
		this.slots = slots;
		this.maxMembersPerPrincipal = properties.security().maxMembersPerPrincipal();
	}

	@PostMapping(path = "/{group}/members", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "joinGroup", summary = "Join a group",
			description = "Adds a member reading `topics`. The answer gives its `memberId` (used in every later call), "
					+ "the group's generation, the leader (the earliest-joined member still present, whose assignor is "
					+ "used) and the partitions it may read now; partitions still owned by others come with later "
					+ "polls, once their owners let go. Rejoining with the `instanceId` of a member still present "
					+ "takes over its partitions without a rebalance. Defaults: sessionTimeoutMs 30000 (1000 to "
					+ "300000), assignor range, autoOffsetReset latest.")
	@ApiResponse(responseCode = "201", description = "Joined; Location names the member")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: no topics, a session timeout out of bounds, "
			+ "an unknown assignor or autoOffsetReset")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: with security on, the caller has "
			+ "caudal.security.max-members-per-principal members")
	@Requires(value = AclOperation.READ, on = ResourceType.GROUP, name = "group")
	@AuthorizedInHandler("READ on each topic the member asks for; the instance id must be the caller's")
	ResponseEntity<GroupResponses.Joined> join(@Parameter(example = "billing") @PathVariable String group,
			@RequestBody GroupRequests.JoinRequest request) {
		MemberConfig config = MemberConfig.of(request.topics(), request.sessionTimeoutMs(),
				request.rebalanceTimeoutMs(), request.assignor(), request.autoOffsetReset(), request.instanceId());
		config.topics().forEach(topic -> this.access.require(AclOperation.READ, ResourceType.TOPIC, topic));
		CaudalPrincipal caller = AccessControl.caller();
		this.instances.claim(group, config.instanceId(), caller);
		String owner = this.access.enabled() ? caller.toString() : null;
		if (owner != null && this.coordinator.membersJoinedBy(owner, Transport.HTTP) >= this.maxMembersPerPrincipal) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal '" + caller + "' has "
					+ this.maxMembersPerPrincipal + " group members, the most one principal may "
					+ "(caudal.security.max-members-per-principal); leave with one first.");
		}
		GroupResponses.Joined joined = GroupResponses.Joined
			.of(this.coordinator.join(group, config, Transport.HTTP, owner, MemberListener.NONE));
		URI location = UriComponentsBuilder.fromPath("/groups/{group}/members/{member}")
			.encode()
			.buildAndExpand(group, joined.memberId())
			.toUri();
		return ResponseEntity.created(location).body(joined);
	}

	@GetMapping("/{group}/members/{member}/records")
	@Operation(operationId = "poll", summary = "Poll records (also a heartbeat)",
			description = "Returns records from the member's partitions, each from the member's position: its last "
					+ "delivered offset, else the group's committed offset, else as autoOffsetReset says. Returned "
					+ "records count as delivered and the positions move past them. A partition being moved to "
					+ "another member appears under `revoking`, with the `generation` that revoked it: no more records "
					+ "come from it, it may still be committed, and it is released once the member shows it heard: a "
					+ "call with `generation` at least that one, a commit of everything delivered from it, leaving, "
					+ "or its rebalance timeout; then its commits for it are refused. With `waitMs` the answer comes "
					+ "as soon as "
					+ "a record arrives or the assignment changes, or empty when the wait ends. Values above the "
					+ "server caps are lowered to them (defaults: 10000 records, 8 MiB, 30000 ms).")
	@ApiResponse(responseCode = "200", description = "The assignment and the records delivered")
	@ApiResponse(responseCode = "400", description = "Bad parameters (INVALID_REQUEST)")
	@ApiResponse(responseCode = "409", description = UNKNOWN_MEMBER
			+ "; NO_COMMITTED_OFFSET with autoOffsetReset none and no committed offset")
	@ApiResponse(responseCode = "416", description = "OFFSET_OUT_OF_RANGE: with autoOffsetReset none, the committed "
			+ "offset is no longer stored")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the memory for answers stays full; see Retry-After")
	@Requires(value = AclOperation.READ, on = ResourceType.GROUP, name = "group")
	@AuthorizedInHandler(MEMBER_TOPICS)
	@QuotaCounted(QuotaCounted.Kind.CONSUMED)
	Answer<PollAnswer> poll(@Parameter(example = "billing") @PathVariable String group,
			@Parameter(example = MEMBER_ID) @PathVariable String member,
			@Parameter(description = RecordController.MAX_RECORDS,
					schema = @Schema(type = "integer", format = "int32", minimum = "1", defaultValue = "500")) @RequestParam(
					defaultValue = "500") int maxRecords,
			@Parameter(description = RecordController.MAX_BYTES,
					schema = @Schema(type = "integer", format = "int32", minimum = "1", defaultValue = "1048576")) @RequestParam(
					defaultValue = "1048576") int maxBytes,
			@Parameter(description = RecordController.WAIT_MS,
					schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0")) @RequestParam(
					defaultValue = "0") long waitMs,
			@Parameter(description = SEEN_GENERATION) @RequestParam(required = false) Integer generation) {
		requireAtLeast("maxRecords", maxRecords, 1);
		requireAtLeast("maxBytes", maxBytes, 1);
		requireAtLeast("waitMs", waitMs, 0);
		requireTopicsOf(group, member);
		return Answer.of(this.slots.waiting(AccessControl.caller(), waitMs,
				wait -> this.coordinator.poll(group, member, maxRecords, maxBytes, wait, generation)), PollAnswer::new);
	}

	@PostMapping("/{group}/members/{member}/heartbeat")
	@Operation(operationId = "heartbeat", summary = "Heartbeat",
			description = "Keeps the member's session alive without reading, releases the partitions it was told "
					+ "to give up by `generation` or earlier, and answers its assignment, with partitions to give up "
					+ "under `revoking`.")
	@ApiResponse(responseCode = "200", description = "The member's assignment")
	@ApiResponse(responseCode = "409", description = UNKNOWN_MEMBER)
	@Requires(value = AclOperation.READ, on = ResourceType.GROUP, name = "group")
	@AuthorizedInHandler(MEMBER_TOPICS)
	GroupResponses.HeartbeatAnswer heartbeat(@Parameter(example = "billing") @PathVariable String group,
			@Parameter(example = MEMBER_ID) @PathVariable String member,
			@Parameter(description = SEEN_GENERATION) @RequestParam(required = false) Integer generation) {
		requireTopicsOf(group, member);
		return GroupResponses.HeartbeatAnswer.of(this.coordinator.heartbeat(group, member, generation));
	}

	@PostMapping("/{group}/members/{member}/commit")
	@Operation(operationId = "commit", summary = "Commit offsets",
			description = "Without a body (or without `offsets`), commits the positions delivered so far in the "
					+ "partitions the member owns, revoking ones included. With `offsets`, commits those (each within "
					+ "the partition's [startOffset, endOffset]; they do not move the member's positions). Ownership "
					+ "is checked per partition in the transaction that writes: nothing is written when one check "
					+ "fails. A `generation` other than the member's last one is refused. The call also releases the "
					+ "partitions the member was told to give up by `generation` or earlier, and those it commits up "
					+ "to everything delivered from them.")
	@ApiResponse(responseCode = "200", description = "The offsets committed")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: an empty or repeated offset list")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND or PARTITION_NOT_FOUND")
	@ApiResponse(responseCode = "409", description = UNKNOWN_MEMBER + "; FENCED_MEMBER: the member does not own a "
			+ "partition in its current generation, or gave a stale generation; nothing written")
	@ApiResponse(responseCode = "416", description = "OFFSET_OUT_OF_RANGE, with startOffset and endOffset")
	@Requires(value = AclOperation.READ, on = ResourceType.GROUP, name = "group")
	@AuthorizedInHandler(MEMBER_TOPICS)
	GroupResponses.GroupOffsets commit(@Parameter(example = "billing") @PathVariable String group,
			@Parameter(example = MEMBER_ID) @PathVariable String member,
			@RequestBody(required = false) GroupRequests.CommitRequest request) {
		requireTopicsOf(group, member);
		List<PartitionOffset> offsets = (request != null) ? offsets(request.offsets()) : null;
		Integer generation = (request != null) ? request.generation() : null;
		return new GroupResponses.GroupOffsets(this.coordinator.commit(group, member, offsets, generation));
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/{group}/members/{member}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "leaveGroup", summary = "Leave a group",
			description = "Removes the member at once; its partitions move to the other members.")
	@ApiResponse(responseCode = "204", description = "Left")
	@ApiResponse(responseCode = "409", description = UNKNOWN_MEMBER)
	@Requires(value = AclOperation.READ, on = ResourceType.GROUP, name = "group")
	@AuthorizedInHandler(MEMBER_TOPICS)
	ResponseEntity<Void> leave(@Parameter(example = "billing") @PathVariable String group,
			@Parameter(example = MEMBER_ID) @PathVariable String member) {
		requireTopicsOf(group, member);
		this.coordinator.leave(group, member);
		return ResponseEntity.noContent().build();
	}

	@GetMapping
	@Operation(operationId = "listGroups", summary = "List groups",
			description = "Every group with members or committed offsets: its state (EMPTY, RECONCILING or STABLE) "
					+ "and member count, sorted by name.")
	@AuthorizedInHandler("lists only the groups the caller may DESCRIBE")
	List<GroupResponses.GroupListing> list() {
		return this.coordinator.list()
			.stream()
			.filter(group -> this.access.allows(AclOperation.DESCRIBE, ResourceType.GROUP, group.group()))
			.map(GroupResponses.GroupListing::of)
			.toList();
	}

	@GetMapping("/{group}")
	@Operation(operationId = "describeGroup", summary = "Describe a group",
			description = "State, generation, leader and its assignor, each member with its transport and "
					+ "assignment, and for every partition of the topics the group reads or has offsets for: the "
					+ "committed offset, the end offset and the lag (both null without a commit).")
	@ApiResponse(responseCode = "200", description = "The group")
	@ApiResponse(responseCode = "404", description = "GROUP_NOT_FOUND: no members and no committed offsets")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.GROUP, name = "group")
	GroupResponses.GroupDetails describe(@Parameter(example = "billing") @PathVariable String group) {
		return GroupResponses.GroupDetails.of(this.coordinator.describe(group), this.access);
	}

	@PostMapping(path = "/{group}/offsets/reset", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "resetOffsets", summary = "Reset committed offsets",
			description = "Sets the group's committed offsets of a topic's partitions (all of them without "
					+ "`partitions`) to the earliest or latest offset, a given offset, or the first offset at or after "
					+ "a timestamp. Only while the group has no member.")
	@ApiResponse(responseCode = "200", description = "The new offsets")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: a bad `to` or repeated partitions")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND or PARTITION_NOT_FOUND")
	@ApiResponse(responseCode = "409", description = "GROUP_NOT_EMPTY: the group has active members")
	@ApiResponse(responseCode = "416", description = "OFFSET_OUT_OF_RANGE for offset:N outside the partition")
	@AuthorizedInHandler("ALTER on the group, or READ as Kafka allows, and READ on the topic")
	@Audited("GROUP")
	GroupResponses.GroupOffsets reset(@Parameter(example = "billing") @PathVariable String group,
			@RequestBody GroupRequests.ResetRequest request) {
		if (!this.access.allows(AclOperation.ALTER, ResourceType.GROUP, group)) {
			this.access.require(AclOperation.READ, ResourceType.GROUP, group);
		}
		if (request.topic() != null) {
			this.access.require(AclOperation.READ, ResourceType.TOPIC, request.topic());
		}
		if (request.topic() == null || request.to() == null) {
			throw invalid("Fields 'topic' and 'to' are required.");
		}
		return new GroupResponses.GroupOffsets(
				this.coordinator.resetOffsets(group, request.topic(), request.partitions(), request.to()));
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/{group}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "deleteGroup", summary = "Delete a group",
			description = "Removes a group without members and its committed offsets.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "GROUP_NOT_FOUND")
	@ApiResponse(responseCode = "409", description = "GROUP_NOT_EMPTY: the group has active members")
	@Requires(value = AclOperation.DELETE, on = ResourceType.GROUP, name = "group")
	@Audited("GROUP")
	ResponseEntity<Void> delete(@Parameter(example = "billing") @PathVariable String group) {
		this.coordinator.delete(group);
		return ResponseEntity.noContent().build();
	}

	/**
	 * A member's calls need READ on every topic it reads, as Kafka's fetch and offset commit do, and come from the
	 * principal that joined it.
	 */
	private void requireTopicsOf(String group, String member) {
		if (this.access.enabled()) {
			MemberSubscription subscription = this.coordinator.subscription(group, member);
			CaudalPrincipal caller = AccessControl.caller();
			if (subscription.owner() != null && !subscription.owner().equals(caller.toString())) {
				throw new CaudalException(ErrorCode.NOT_AUTHORIZED, "Member " + member + " of group '" + group
						+ "' was joined by another principal; principal '" + caller + "' may not act as it.",
						Map.of("resourceType", ResourceType.GROUP.name(), "resourceName", group));
			}
			subscription.topics().forEach(topic -> this.access.require(AclOperation.READ, ResourceType.TOPIC, topic));
		}
	}

	private static List<PartitionOffset> offsets(List<GroupRequests.CommitOffset> requested) {
		if (requested == null) {
			return null;
		}
		if (requested.isEmpty()) {
			throw invalid("Field 'offsets' must hold at least one offset; send no body to commit what was delivered.");
		}
		List<PartitionOffset> offsets = new ArrayList<>(requested.size());
		for (int i = 0; i < requested.size(); i++) {
			GroupRequests.CommitOffset offset = requested.get(i);
			if (offset == null || offset.topic() == null || offset.partition() == null || offset.offset() == null) {
				throw invalid("Offset " + i + " needs 'topic', 'partition' and 'offset'.");
			}
			offsets.add(new PartitionOffset(offset.topic(), offset.partition(), offset.offset()));
		}
		return offsets;
	}

	private static void requireAtLeast(String name, long value, long min) {
		if (value < min) {
			throw invalid("Parameter '" + name + "' must be at least " + min + ", not " + value + ".");
		}
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

}
