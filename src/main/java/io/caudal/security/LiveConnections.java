package io.caudal.security;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * The connections that outlive their first request (sockets, event streams, waiting long polls), each with the
 * credential that opened it and the rights it keeps needing. When a key is revoked, what that key opened ends at
 * once with {@code UNAUTHENTICATED}; after every ACL change, and every {@code caudal.security.rights-check-interval},
 * each connection's rights are checked again and one that lost a right ends with {@code NOT_AUTHORIZED}, one whose
 * token expired with {@code UNAUTHENTICATED}. With security off nothing is tracked.
 */
@Component
public class LiveConnections implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiveConnections.class);

	private final AccessControl access;

	private final ApiKeys keys;

	private final long intervalMillis;

	private final Set<Live> live = ConcurrentHashMap.newKeySet();

	private volatile ScheduledExecutorService checker;

	LiveConnections(AccessControl access, ApiKeys keys, CaudalProperties properties) {
		this.access = access;
		this.keys = keys;
		this.intervalMillis = properties.security().rightsCheckInterval().toMillis();
	}

	/**
	 * Watches a connection until {@code open} turns false.
	 * @param authentication who opened it; a connection of no {@link CallerAuthentication} is not watched
	 * @param rights what it keeps needing (none for a long poll: only its credential is watched)
	 * @param end ends the connection, telling its client why; called at most once, never under a lock of the caller
	 */
	public void watch(Authentication authentication, List<Right> rights, BooleanSupplier open,
			Consumer<CaudalException> end) {
		if (this.access.enabled() && authentication instanceof CallerAuthentication caller) {
			this.live.add(new Live(caller, List.copyOf(rights), open, end));
		}
	}

	/** How many connections are watched now. */
	int watched() {
		return this.live.size();
	}

	@EventListener
	void revoked(CredentialRevoked event) {
		this.checker.execute(this::checkAll);
	}

	@EventListener
	void aclsChanged(AclsChanged event) {
		this.checker.execute(this::checkAll);
	}

	private void checkAll() {
		for (Live connection : this.live) {
			try {
				check(connection);
			}
			catch (RuntimeException ex) {
				// Caught whole: anything escaping would cancel every later check, silently.
				logger.warn("Checking a connection's rights failed.", ex);
			}
		}
	}

	private void check(Live connection) {
		if (!connection.open().getAsBoolean()) {
			this.live.remove(connection);
			return;
		}
		CallerAuthentication caller = connection.caller();
		if (!this.keys.isActive(caller.credential())) {
			end(connection, new CaudalException(ErrorCode.UNAUTHENTICATED,
					"The key this connection was opened with has been revoked."));
			return;
		}
		if (caller.hasExpired(Instant.now())) {
			end(connection, new CaudalException(ErrorCode.UNAUTHENTICATED,
					"The token this connection was opened with has expired; open it again with a fresh one."));
			return;
		}
		for (Right right : connection.rights()) {
			if (!this.access.allows(caller.getPrincipal(), right.operation(), right.type(), right.name())) {
				end(connection, AccessControl.refusal(caller.getPrincipal(), right.operation(), right.type(),
						right.name()));
				return;
			}
		}
	}

	private void end(Live connection, CaudalException reason) {
		if (this.live.remove(connection)) {
			connection.end().accept(reason);
		}
	}

	@Override
	public synchronized void start() {
		this.checker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-rights-check"));
		this.checker.scheduleWithFixedDelay(this::checkAll, this.intervalMillis, this.intervalMillis,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		this.checker.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.checker != null && !this.checker.isShutdown();
	}

	private record Live(CallerAuthentication caller, List<Right> rights, BooleanSupplier open,
			Consumer<CaudalException> end) {
	}

}
