package io.caudal.api;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.caudal.concurrent.DaemonThreads;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up answers that wait for clients that have gone. A long poll whose client closes its connection would
 * otherwise hold its slot, its signals and its connection's file until its wait ends, up to
 * {@code caudal.fetch.max-wait}. Every second each answer that has waited at least a second has its connection probed,
 * and the answer of a client that closed it is given up at once. Thread-safe.
 */
final class ClientDepartures {

	private static final Logger logger = LoggerFactory.getLogger(ClientDepartures.class);

	private static final long CHECK_INTERVAL_MS = 1000;

	private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS);

	private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService checker = Executors
		.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-client-departures"));

	ClientDepartures() {
		this.checker.scheduleWithFixedDelay(this::checkAll, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
	}

	/**
	 * A watch of a request's connection while its answer waits, from {@link Watch#start} to {@link Watch#end}.
	 * @param giveUp runs once, on the checker's thread, if the client closes its connection while watched
	 */
	Watch watch(HttpServletRequest request, Runnable giveUp) {
		return new Watch(ConnectionProbe.of(request), giveUp);
	}

	private void checkAll() {
		for (Watch watch : this.watches) {
			try {
				watch.check();
			}
			catch (Throwable ex) {
				// Caught whole: anything escaping would cancel every later check, silently.
				logger.warn("Could not tell whether a waiting client is still connected; no longer watching it.", ex);
				watch.end();
			}
		}
	}

	void stop() {
		this.checker.shutdownNow();
	}

	/** One waiting answer's watch. */
	final class Watch {

		private final ConnectionProbe probe;

		private final Runnable giveUp;

		private final ReentrantLock lock = new ReentrantLock();

		private boolean ended;

		private long startNanos;

		private Watch(ConnectionProbe probe, Runnable giveUp) {
			this.probe = probe;
			this.giveUp = giveUp;
		}

		/** Starts probing, once the request is in asynchronous mode and its thread has let go of the connection. */
		void start() {
			if (this.probe == null) {
				return;
			}
			this.lock.lock();
			try {
				if (!this.ended) {
					this.startNanos = System.nanoTime();
					ClientDepartures.this.watches.add(this);
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Ends the watch; call it before the answer goes back to Tomcat to be written or ended, since from then on
		 * Tomcat uses the connection itself. Waits for a probe under way.
		 */
		void end() {
			this.lock.lock();
			try {
				this.ended = true;
			}
			finally {
				this.lock.unlock();
			}
			ClientDepartures.this.watches.remove(this);
		}

		private void check() {
			this.lock.lock();
			try {
				// A young answer is left alone: most end soon, and its request's thread may still be leaving Tomcat.
				if (this.ended || System.nanoTime() - this.startNanos < CHECK_INTERVAL_NANOS
						|| !this.probe.clientClosed()) {
					return;
				}
				this.ended = true;
			}
			finally {
				this.lock.unlock();
			}
			ClientDepartures.this.watches.remove(this);
			this.giveUp.run();
		}

	}

}
