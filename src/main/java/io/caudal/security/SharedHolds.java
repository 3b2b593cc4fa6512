package io.caudal.security;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.config.CaudalProperties;
import io.caudal.offset.DatabaseClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the per-principal caps of {@link PrincipalSlots} count across the nodes of a Kafka cluster. Every
 * {@code caudal.security.sync-interval}, this node rewrites what its principals hold in {@code principal_holds} and
 * reads what they hold on the other nodes. A take is decided in memory, never waiting for the database: a principal
 * opening on several nodes at once may pass its cap by what it opens within one interval. A node's rows stop counting
 * three intervals after it last wrote them, so a dead node's holds are forgotten.
 */
@Component
public class SharedHolds implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SharedHolds.class);

	private static final int INTERVALS_TO_FORGET = 3;

	private final String node = UUID.randomUUID().toString();

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final DatabaseClock clock;

	private final PrincipalSlots slots;

	private final long intervalMs;

	private final ScheduledExecutorService exchanger;

	SharedHolds(JdbcClient jdbc, PlatformTransactionManager transactionManager, DatabaseClock clock,
			PrincipalSlots slots, CaudalProperties properties) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.clock = clock;
		this.slots = slots;
		this.intervalMs = properties.security().syncInterval().toMillis();
		if (properties.security().enabled() && properties.storage() == CaudalProperties.StorageEngine.KAFKA) {
			this.exchanger = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-principal-holds"));
			this.exchanger.scheduleWithFixedDelay(this::exchange, 0, this.intervalMs, TimeUnit.MILLISECONDS);
		}
		else {
			this.exchanger = null;
		}
	}

	private void exchange() {
		try {
			long now = this.clock.nowMs();
			publish(now);
			this.slots.updateHeldElsewhere(readOthers(now - INTERVALS_TO_FORGET * this.intervalMs));
		}
		catch (RuntimeException ex) {
			logger.warn("Sharing what principals hold with the other nodes failed; tried again at the next interval: "
					+ "{}", ex.getMessage());
		}
	}

	private void publish(long now) {
		List<Object[]> rows = new ArrayList<>();
		this.slots.heldHere()
			.forEach((kind, counts) -> counts.forEach((principal, held) -> rows
				.add(new Object[] { this.node, principal.toString(), kind.name(), held, now })));
		this.transactions.executeWithoutResult(status -> {
			this.jdbc.sql("DELETE FROM principal_holds WHERE node = ?").param(this.node).update();
			for (Object[] row : rows) {
				this.jdbc.sql("INSERT INTO principal_holds (node, principal, kind, held, published_ms) "
						+ "VALUES (?, ?, ?, ?, ?)").params(row).update();
			}
		});
	}

	private Map<PrincipalSlots.Kind, Map<String, Integer>> readOthers(long freshSinceMs) {
		Map<PrincipalSlots.Kind, Map<String, Integer>> others = new EnumMap<>(PrincipalSlots.Kind.class);
		this.jdbc.sql("SELECT principal, kind, SUM(held) AS held FROM principal_holds "
				+ "WHERE node <> ? AND published_ms >= ? GROUP BY principal, kind")
			.params(this.node, freshSinceMs)
			.query(rs -> {
				others.computeIfAbsent(PrincipalSlots.Kind.valueOf(rs.getString("kind")), kind -> new HashMap<>())
					.put(rs.getString("principal"), rs.getInt("held"));
			});
		this.jdbc.sql("DELETE FROM principal_holds WHERE published_ms < ?").param(freshSinceMs).update();
		return others;
	}

	@Override
	public void destroy() {
		if (this.exchanger != null) {
			this.exchanger.shutdownNow();
			try {
				// An exchange under way would write this node's rows again after the delete below.
				this.exchanger.awaitTermination(5, TimeUnit.SECONDS);
				this.jdbc.sql("DELETE FROM principal_holds WHERE node = ?").param(this.node).update();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.debug("This node's holds were not deleted at shutdown; they stop counting on their own", ex);
			}
		}
	}

}
