package io.caudal.security;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The authorizer: the one place that decides whether a principal may perform an operation on a resource, with
 * Kafka's rules. Super-users may do anything; otherwise a matching DENY refuses, else a matching ALLOW grants
 * (READ, WRITE, DELETE and ALTER also grant DESCRIBE; ALTER_CONFIGS grants DESCRIBE_CONFIGS), else the answer is
 * no. With security off every caller may do everything.
 */
@Component
public class AccessControl {

	private final boolean enabled;

	private final Set<CaudalPrincipal> superUsers;

	private final ObjectProvider<AclStore> acls;

	private volatile AclStore store;

	/** @param acls read only when security is on, so that a server without it needs no ACL store */
	AccessControl(CaudalProperties properties, ObjectProvider<AclStore> acls) {
		this.enabled = properties.security().enabled();
		Set<CaudalPrincipal> superUsers = new HashSet<>();
		superUsers.add(CaudalPrincipal.ADMIN);
		properties.security().superUsers().stream().map(CaudalPrincipal::parse).forEach(superUsers::add);
		this.superUsers = Set.copyOf(superUsers);
		this.acls = acls;
	}

	public boolean enabled() {
		return this.enabled;
	}

	/** The principal of the request being served on this thread: {@link CaudalPrincipal#ANONYMOUS} without one. */
	public static CaudalPrincipal caller() {
		return principalOf(SecurityContextHolder.getContext().getAuthentication());
	}

	/** The principal an authentication proved, or {@link CaudalPrincipal#ANONYMOUS}. */
	public static CaudalPrincipal principalOf(Authentication authentication) {
		return (authentication != null && authentication.getPrincipal() instanceof CaudalPrincipal principal)
				? principal : CaudalPrincipal.ANONYMOUS;
	}

	/** Whether the principal may perform the operation on the named resource. */
	public boolean allows(CaudalPrincipal principal, AclOperation operation, ResourceType type, String name) {
		if (!this.enabled || this.superUsers.contains(principal)) {
			return true;
		}
		List<AclBinding> bindings = store().of(principal);
		boolean allowed = false;
		for (AclBinding acl : bindings) {
			if (acl.matches(type, name)) {
				if (acl.permission() == Permission.DENY) {
					if (acl.operation().denied().contains(operation)) {
						return false;
					}
				}
				else if (acl.operation().allowed().contains(operation)) {
					allowed = true;
				}
			}
		}
		return allowed;
	}

	/** Whether the caller of this thread's request may perform the operation. */
	public boolean allows(AclOperation operation, ResourceType type, String name) {
		return allows(caller(), operation, type, name);
	}

	/**
	 * The operations of its type that this thread's caller may perform on the resource, in the enum's order, as
	 * Kafka's {@code authorizedOperations}: what a client (the console) needs to offer only the actions that would
	 * be allowed.
	 */
	public List<String> authorizedOperations(ResourceType type, String name) {
		CaudalPrincipal caller = caller();
		return type.operations()
			.stream()
			.filter(operation -> allows(caller, operation, type, name))
			.map(AclOperation::name)
			.toList();
	}

	/**
	 * Refuses unless the principal may perform the operation.
	 * @throws CaudalException {@link ErrorCode#NOT_AUTHORIZED}, naming the operation and the resource
	 */
	public void require(CaudalPrincipal principal, AclOperation operation, ResourceType type, String name) {
		if (!allows(principal, operation, type, name)) {
			throw refusal(principal, operation, type, name);
		}
	}

	/** {@link #require(CaudalPrincipal, Operation, ResourceType, String)} for this thread's caller. */
	public void require(AclOperation operation, ResourceType type, String name) {
		require(caller(), operation, type, name);
	}

	private AclStore store() {
		AclStore found = this.store;
		if (found == null) {
			found = this.acls.getObject();
			this.store = found;
		}
		return found;
	}

	/** The 403 for a refused operation, naming it and its resource. */
	public static CaudalException refusal(CaudalPrincipal principal, AclOperation operation, ResourceType type,
			String name) {
		return new CaudalException(ErrorCode.NOT_AUTHORIZED,
				"Principal '" + principal + "' may not " + operation + " " + type + " '" + name + "'.",
				Map.of("operation", operation.name(), "resourceType", type.name(), "resourceName", name));
	}

}
