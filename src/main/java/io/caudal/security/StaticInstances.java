package io.caudal.security;

import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicName;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who holds each static member's {@code instanceId} in each group: the principal that first joined with it. Another
 * principal rejoining with that id would take over the member's partitions, so it is refused instead.
 */
@Component
public class StaticInstances {

	private final JdbcClient jdbc;

	private final AccessControl access;

	StaticInstances(JdbcClient jdbc, AccessControl access) {
		this.jdbc = jdbc;
		this.access = access;
	}

	/**
	 * Lets the principal use the instance id in the group, claiming it on first use.
	 * @throws CaudalException {@link ErrorCode#NOT_AUTHORIZED} when another principal holds it
	 */
	public void claim(String groupId, String instanceId, CaudalPrincipal principal) {
		if (instanceId == null || !this.access.enabled()) {
			return;
		}
		String badGroupId = TopicName.problem("Group id", groupId);
		if (badGroupId != null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, badGroupId);
		}
		String holder = holder(groupId, instanceId);
		if (holder == null) {
			try {
				this.jdbc.sql("INSERT INTO static_instances (group_id, instance_id, principal) VALUES (?, ?, ?)")
					.params(groupId, instanceId, principal.toString())
					.update();
				return;
			}
			catch (DuplicateKeyException raced) {
				holder = holder(groupId, instanceId);
			}
		}
		if (!principal.toString().equals(holder)) {
			throw new CaudalException(ErrorCode.NOT_AUTHORIZED, "Instance id '" + instanceId + "' of group '"
					+ groupId + "' belongs to another principal; principal '" + principal + "' may not use it.",
					Map.of("resourceType", ResourceType.GROUP.name(), "resourceName", groupId));
		}
	}

	private String holder(String groupId, String instanceId) {
		return this.jdbc.sql("SELECT principal FROM static_instances WHERE group_id = ? AND instance_id = ?")
			.params(groupId, instanceId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

}
