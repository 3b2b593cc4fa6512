package io.caudal.security;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.config.CaudalProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Carries changes of keys, ACLs and quotas between the nodes that share one database. Each node keeps its own copies
 * in memory (a request must not wait for the database); every change moves one counter in the database, and each
 * node reads that counter every {@code caudal.security.sync-interval}: when it moved, the node reloads its copies
 * ({@link Reload}), and what a revoked key or a removed ACL held open closes there too. A node's own changes apply
 * to it at once.
 */
@Component
public class SecurityChanges implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SecurityChanges.class);

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	private final ScheduledExecutorService poller;

	private long seen;

	SecurityChanges(JdbcClient jdbc, ApplicationEventPublisher events, CaudalProperties properties) {
		this.jdbc = jdbc;
		this.events = events;
		this.seen = version();
		if (properties.security().enabled()) {
			long intervalMs = properties.security().syncInterval().toMillis();
			this.poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-security-sync"));
			this.poller.scheduleWithFixedDelay(this::poll, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
		}
		else {
			this.poller = null;
		}
	}

	/** Counts a change; call it in the change's transaction, or right after the change was written. */
	void record() {
		this.jdbc.sql("UPDATE security_changes SET version = version + 1 WHERE id = 1").update();
	}

	private long version() {
		return this.jdbc.sql("SELECT version FROM security_changes WHERE id = 1").query(Long.class).single();
	}

	private void poll() {
		try {
			long now = version();
			if (now != this.seen) {
				this.seen = now;
				this.events.publishEvent(new Reload());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Reading the security change counter failed; tried again at the next interval: {}",
					ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		if (this.poller != null) {
			this.poller.shutdownNow();
		}
	}

	/** Keys, ACLs or quotas changed in the database since this node last looked: reload them. */
	record Reload() {
	}

}
