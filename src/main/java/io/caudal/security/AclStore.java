package io.caudal.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The ACLs, in the database and, for the authorizer, in memory: an immutable map from principal to its ACLs,
 * replaced whole after every change, so a check reads it without a lock and a change takes effect at once. Changes
 * are serialized and made without a transaction around them, so each reload sees every change committed before it.
 */
@Component
public class AclStore {

	private static final Comparator<AclBinding> ORDER = Comparator.comparing(AclBinding::resourceType)
		.thenComparing(AclBinding::resourceName)
		.thenComparing(AclBinding::patternType)
		.thenComparing(acl -> acl.principal().toString())
		.thenComparing(AclBinding::operation)
		.thenComparing(AclBinding::permission);

	private final JdbcClient jdbc;

	private final int maxAcls;

	private final ApplicationEventPublisher events;

	private final SecurityChanges changes;

	private volatile Map<CaudalPrincipal, List<AclBinding>> byPrincipal;

	AclStore(JdbcClient jdbc, CaudalProperties properties, ApplicationEventPublisher events,
			SecurityChanges changes) {
		this.jdbc = jdbc;
		this.events = events;
		this.changes = changes;
		this.maxAcls = properties.security().maxAcls();
		reload();
	}

	/** The ACLs naming a principal. */
	List<AclBinding> of(CaudalPrincipal principal) {
		return this.byPrincipal.getOrDefault(principal, List.of());
	}

	/**
	 * Adds an ACL; adding one that exists changes nothing, as in Kafka.
	 * @throws CaudalException {@link ErrorCode#RESOURCE_LIMIT} past {@code caudal.security.max-acls}
	 */
	public synchronized void create(AclBinding acl) {
		if (all().contains(acl)) {
			return;
		}
		if (this.byPrincipal.values().stream().mapToInt(List::size).sum() >= this.maxAcls) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds caudal.security.max-acls ("
					+ this.maxAcls + ") ACLs; delete some first.", Map.of("limit", this.maxAcls));
		}
		this.jdbc.sql("INSERT INTO acls (resource_type, resource_name, pattern_type, principal, operation, permission) "
				+ "VALUES (?, ?, ?, ?, ?, ?)")
			.params(columns(acl))
			.update();
		this.changes.record();
		reload();
		this.events.publishEvent(new AclsChanged());
	}

	/** The ACLs a filter matches, sorted. */
	public List<AclBinding> list(AclFilter filter) {
		return all().stream().filter(filter::matches).sorted(ORDER).toList();
	}

	/** Deletes the ACLs a filter matches and returns them. */
	public synchronized List<AclBinding> delete(AclFilter filter) {
		List<AclBinding> deleted = list(filter);
		for (AclBinding acl : deleted) {
			this.jdbc.sql("DELETE FROM acls WHERE resource_type = ? AND resource_name = ? AND pattern_type = ? "
					+ "AND principal = ? AND operation = ? AND permission = ?")
				.params(columns(acl))
				.update();
		}
		this.changes.record();
		reload();
		this.events.publishEvent(new AclsChanged());
		return deleted;
	}

	/** Takes in ACLs changed by other nodes; connections that lose their rights here close. */
	@EventListener
	synchronized void reload(SecurityChanges.Reload event) {
		Map<CaudalPrincipal, List<AclBinding>> before = this.byPrincipal;
		reload();
		if (!before.equals(this.byPrincipal)) {
			this.events.publishEvent(new AclsChanged());
		}
	}

	/** An ACL's columns, in the order of the table and of every statement here. */
	private static Object[] columns(AclBinding acl) {
		return new Object[] { acl.resourceType().name(), acl.resourceName(), acl.patternType().name(),
				acl.principal().toString(), acl.operation().name(), acl.permission().name() };
	}

	private List<AclBinding> all() {
		List<AclBinding> all = new ArrayList<>();
		this.byPrincipal.values().forEach(all::addAll);
		return all;
	}

	private void reload() {
		List<AclBinding> stored = this.jdbc
			.sql("SELECT resource_type, resource_name, pattern_type, principal, operation, permission FROM acls")
			.query((rs, row) -> new AclBinding(ResourceType.valueOf(rs.getString("resource_type")),
					rs.getString("resource_name"), PatternType.valueOf(rs.getString("pattern_type")),
					CaudalPrincipal.parse(rs.getString("principal")), AclOperation.valueOf(rs.getString("operation")),
					Permission.valueOf(rs.getString("permission"))))
			.list();
		this.byPrincipal = Map.copyOf(stored.stream().collect(Collectors.groupingBy(AclBinding::principal)));
	}

}
