package io.caudal.log;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared pool of writer threads, named {@code caudal-log-writer-N}, that write and fsync every partition.
 * <p>
 * Each partition is pinned to one thread by the hash of its name, so a partition has exactly one writer and its
 * batches are written in order; one thread serves many partitions. Each thread does group commit: it takes
 * everything queued for a partition, writes it, and fsyncs once for all of it.
 * <p>
 * Bound: the batches queued on one thread and not yet written hold at most {@code maxQueuedBytes} (64 MiB by
 * default). An append that finds the queue full waits for room on the caller's thread, for at most
 * {@code maxBlockMs} (10 s by default; not at all when called on a writer thread), and then fails with
 * {@link LogStorageException}: a producer faster than the disk is slowed down, then refused, never buffered
 * without limit. A batch larger than the whole bound is admitted alone, once the queue is empty. Besides the
 * batches, a thread's task queue holds at most one write task and one flush task per partition.
 * <p>
 * Thread-safe. Close the partitions before closing the writer.
 */
public final class LogWriter implements AutoCloseable {

	/** Default bound of the bytes queued per writer thread: 64 MiB. */
	public static final int DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

	/** Default longest wait for room in a full queue: 10 s. */
	public static final long DEFAULT_MAX_BLOCK_MS = 10_000;

	private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

	private static final long CLOSE_TIMEOUT_MS = 30_000;

	private final Lane[] lanes;

	/**
	 * A writer with the default queue bound and wait.
	 * @param threads the number of writer threads, at least 1
	 */
	public LogWriter(int threads) {
		this(threads, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_BLOCK_MS);
	}

	/**
	 * @param threads the number of writer threads, at least 1
	 * @param maxQueuedBytes the most bytes of batches queued per thread, at least 1
	 * @param maxBlockMs the longest an append waits for room in a full queue, in milliseconds, 0 or more
	 * @throws IllegalArgumentException if a value is out of bounds
	 */
	public LogWriter(int threads, int maxQueuedBytes, long maxBlockMs) {
		if (threads < 1 || maxQueuedBytes < 1 || maxBlockMs < 0) {
			throw new IllegalArgumentException("A log writer needs at least 1 thread, a queue of at least 1 byte and "
					+ "a wait of 0 ms or more; got " + threads + " threads, " + maxQueuedBytes + " bytes and "
					+ maxBlockMs + " ms.");
		}
		this.lanes = new Lane[threads];
		for (int i = 0; i < threads; i++) {
			this.lanes[i] = new Lane("caudal-log-writer-" + i, maxQueuedBytes, maxBlockMs);
		}
	}

	/** The thread a partition is pinned to. */
	Lane laneFor(String logName) {
		int hash = logName.hashCode();
		return this.lanes[Math.floorMod(hash ^ (hash >>> 16), this.lanes.length)];
	}

	/**
	 * Stops the threads once the tasks already queued have run; pending scheduled flushes are dropped (closing a
	 * partition fsyncs it). Waits up to 30 s.
	 */
	@Override
	public void close() {
		for (Lane lane : this.lanes) {
			lane.executor.shutdown();
		}
		for (Lane lane : this.lanes) {
			lane.awaitTermination();
		}
	}

	/**
	 * One writer thread with its bounded queue. Package-private: used by {@link PartitionLog} only.
	 */
	static final class Lane {

		private final String name;

		private final ScheduledThreadPoolExecutor executor;

		private final Semaphore queuedBytes;

		private final int maxQueuedBytes;

		private final long maxBlockMs;

		private volatile Thread thread;

		Lane(String name, int maxQueuedBytes, long maxBlockMs) {
			this.name = name;
			this.maxQueuedBytes = maxQueuedBytes;
			this.maxBlockMs = maxBlockMs;
			// Fair, so that a large batch waiting for room is not overtaken forever by small ones.
			this.queuedBytes = new Semaphore(maxQueuedBytes, true);
			this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
				Thread thread = new Thread(runnable, name);
				thread.setDaemon(true);
				this.thread = thread;
				return thread;
			});
			this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			this.executor.setRemoveOnCancelPolicy(true);
		}

		/**
		 * Reserves room for a batch, waiting up to the configured time.
		 * @return the permits to {@link #release(int) release} once the batch is written, or -1 if the queue
		 * stayed full
		 * @throws InterruptedException if the caller is interrupted while waiting
		 */
		int reserve(int batchBytes) throws InterruptedException {
			int permits = Math.min(batchBytes, this.maxQueuedBytes);
			long waitMs = isCurrentThread() ? 0 : this.maxBlockMs;
			return this.queuedBytes.tryAcquire(permits, waitMs, TimeUnit.MILLISECONDS) ? permits : -1;
		}

		void release(int permits) {
			this.queuedBytes.release(permits);
		}

		/** @throws RejectedExecutionException if the writer is closed */
		void execute(Runnable task) {
			this.executor.execute(task);
		}

		/** @throws RejectedExecutionException if the writer is closed */
		ScheduledFuture<?> schedule(Runnable task, long delayMs) {
			return this.executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
		}

		boolean isCurrentThread() {
			return Thread.currentThread() == this.thread;
		}

		String describeBound() {
			return this.maxQueuedBytes + " bytes queued on " + this.name + " for " + this.maxBlockMs + " ms";
		}

		/** Waits for the thread to finish its tasks after a shutdown, restoring the interrupt flag if interrupted. */
		void awaitTermination() {
			try {
				if (!this.executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
					log.warn("{} - The writer thread did not finish its tasks within {} ms; interrupting it.", this.name,
							CLOSE_TIMEOUT_MS);
					this.executor.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				this.executor.shutdownNow();
				Thread.currentThread().interrupt();
			}
		}

	}

}
