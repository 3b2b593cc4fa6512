package io.caudal.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.stereotype.Component;

/**
 * Which principal joined each HTTP group member, so that no other principal with rights on the group can poll,
 * commit, heartbeat or leave as that member (member ids are visible to anyone who may describe the group). An entry
 * lives as long as its member; members restored after a restart have none and are not checked.
 */
@Component
public class MemberOwners {

	private final boolean enabled;

	private final Map<String, CaudalPrincipal> owners = new ConcurrentHashMap<>();

	MemberOwners(AccessControl access) {
		this.enabled = access.enabled();
	}

	public void joined(String memberId, CaudalPrincipal principal) {
		if (this.enabled) {
			this.owners.put(memberId, principal);
		}
	}

	public void removed(String memberId) {
		this.owners.remove(memberId);
	}

	/**
	 * Refuses a call for a member another principal joined.
	 * @throws CaudalException {@link ErrorCode#NOT_AUTHORIZED}
	 */
	public void require(String groupId, String memberId, CaudalPrincipal caller) {
		CaudalPrincipal owner = this.owners.get(memberId);
		if (owner != null && !owner.equals(caller)) {
			throw new CaudalException(ErrorCode.NOT_AUTHORIZED, "Member " + memberId + " of group '" + groupId
					+ "' was joined by another principal; principal '" + caller + "' may not act as it.",
					Map.of("resourceType", ResourceType.GROUP.name(), "resourceName", groupId));
		}
	}

}
