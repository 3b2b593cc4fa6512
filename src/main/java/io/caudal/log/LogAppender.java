package io.caudal.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.caudal.time.Time;

/**
 * The write path of one partition: group commit on the partition's {@link LogWriter} thread.
 * <p>
 * An append is built and checked on the caller's thread, reserves room in the writer's bounded queue, and is queued
 * here. The writer thread takes everything queued, writes it, fsyncs once for all of it (or schedules the fsync
 * within {@code flush.ms}), publishes the new end offset and only then completes the appends: readers never see a
 * batch that an fsync failure could still take back.
 * <p>
 * A failed write or fsync is never retried as if it had worked: the partition refuses writes until the writer can
 * truncate back to the last published position ({@link #ensureWritable()}).
 * <p>
 * Thread-safe: {@link #append} from any thread; everything else runs on the writer thread ({@link #onWriter}).
 */
final class LogAppender {

	private static final Logger log = LoggerFactory.getLogger(LogAppender.class);

	private final LocalLog local;

	private final String name;

	private final Time time;

	private final LogWriter.Lane lane;

	private final Runnable onPublished;

	private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile LogConfig config;

	private volatile boolean closeStarted;

	// Writer thread only, from here on.
	private IOException failure;

	private boolean shutDown;

	private ScheduledFuture<?> scheduledFlush;

	/**
	 * @param onPublished runs on the writer thread after each publication of new records; must be quick
	 */
	LogAppender(LocalLog local, LogConfig config, Time time, LogWriter writer, Runnable onPublished) {
		this.local = local;
		this.name = local.name();
		this.config = config;
		this.time = time;
		this.lane = writer.laneFor(this.name);
		this.onPublished = onPublished;
	}

	LogConfig config() {
		return this.config;
	}

	void updateConfig(LogConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	boolean closeStarted() {
		return this.closeStarted;
	}

	boolean onWriterThread() {
		return this.lane.isCurrentThread();
	}

	/** See {@link PartitionLog#prepareAppend(List, BatchTag)}. */
	PreparedAppend prepare(List<LogRecord> records, BatchTag tag) {
		if (records.isEmpty()) {
			throw new IllegalArgumentException(this.name + " - An append needs at least one record.");
		}
		int maxMessageBytes = this.config.maxMessageBytes();
		for (int i = 0; i < records.size(); i++) {
			int recordBytes = LogRecord.sizeInBytes(records.get(i));
			if (recordBytes > maxMessageBytes) {
				throw new RecordTooLargeException(this.name, i, recordBytes, maxMessageBytes);
			}
		}
		if (this.closeStarted) {
			throw closedException();
		}
		RecordBatches.Batch batch = RecordBatches.build(records, tag);
		int permits;
		try {
			permits = this.lane.reserve(batch.sizeInBytes());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LogStorageException(
					this.name + " - Interrupted while waiting for room in the writer queue; nothing was written.", ex);
		}
		if (permits < 0) {
			throw new LogStorageException(this.name + " - The writer queue stayed full (" + this.lane.describeBound()
					+ "): the disk is not keeping up; nothing was written.", null);
		}
		return new PreparedAppend(this, batch, permits);
	}

	/** Queues a prepared batch for the writer (any thread). */
	CompletableFuture<AppendResult> enqueue(PreparedAppend prepared) {
		PendingAppend append = new PendingAppend(prepared.batch(), prepared.permits(), new CompletableFuture<>());
		this.pending.add(append);
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.lane.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.drainScheduled.set(false);
				failPending(new LogStorageException(this.name + " - The log writer is closed; nothing was written.",
						ex));
			}
		}
		return append.future();
	}

	/** Gives back the room a prepared batch held, when it will not be written. */
	void release(PreparedAppend prepared) {
		this.lane.release(prepared.permits());
	}

	/**
	 * Runs a task on the writer thread and waits for it, so it never races with a write. If the writer pool is
	 * closed, no writer thread is left, and the task runs on the caller's thread.
	 */
	<T> T onWriter(Supplier<T> task) {
		if (this.lane.isCurrentThread()) {
			return task.get();
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.lane.execute(() -> {
				try {
					result.complete(task.get());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.lane.awaitTermination();
			return task.get();
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * Whether the partition may change its files now (writer thread): not shut down, and any earlier failure
	 * repaired by truncating back to the published position.
	 */
	boolean ensureWritable() {
		return !this.shutDown && (this.failure == null || repair());
	}

	/** Makes the partition refuse writes until it can truncate back to the published position (writer thread). */
	void failed(IOException ex) {
		this.failure = ex;
	}

	/**
	 * Writes what is queued, stops taking writes, and closes the files, marking the log clean when nothing
	 * unacknowledged is left on disk (writer thread).
	 */
	void closeOnWriter() {
		writePending();
		this.shutDown = true;
		if (this.scheduledFlush != null) {
			this.scheduledFlush.cancel(false);
			this.scheduledFlush = null;
		}
		// Without this, recovery would find the unacknowledged batches of a failed write whole, and keep them.
		boolean clean = this.failure == null || repair();
		if (clean) {
			try {
				this.local.markCleanlyClosed();
			}
			catch (IOException ex) {
				clean = false;
				log.error("{} - Fsync on close failed; the next open will recover the log.", this.name, ex);
			}
		}
		else {
			log.warn("{} - Closing after a failed write ({}) that could not be undone; the next open will recover the "
					+ "log, and may find batches that were never acknowledged.", this.name, this.failure.getMessage());
		}
		this.local.closeSegments();
		failPending(closedException());
		if (clean) {
			log.info("{} - Closed cleanly at offset {}.", this.name, this.local.logEndOffset());
		}
	}

	/** Refuses later appends at once, before the close runs on the writer thread. */
	void startClose() {
		this.closeStarted = true;
	}

	private void drain() {
		this.drainScheduled.set(false);
		writePending();
	}

	/** Group commit: writes everything queued, fsyncs once, publishes, completes (writer thread). */
	private void writePending() {
		List<PendingAppend> work = new ArrayList<>();
		for (PendingAppend append = this.pending.poll(); append != null; append = this.pending.poll()) {
			work.add(append);
		}
		if (work.isEmpty()) {
			return;
		}
		try {
			write(work);
		}
		catch (Throwable ex) {
			// A bug, not an I/O failure; still, never leave a caller waiting, and repair before the next write.
			this.failure = new IOException("unexpected failure while writing", ex);
			log.error("{} - Writing {} batches failed unexpectedly; the partition refuses writes until it can write "
					+ "again.", this.name, work.size(), ex);
			fail(work, new LogStorageException(this.name + " - Writing failed unexpectedly; nothing was written.", ex));
		}
		finally {
			for (PendingAppend append : work) {
				this.lane.release(append.permits());
			}
		}
	}

	private void write(List<PendingAppend> work) {
		if (this.shutDown) {
			fail(work, closedException());
			return;
		}
		if (this.failure != null && !repair()) {
			fail(work, new LogStorageException(this.name + " - The partition refuses writes: an earlier write failed ("
					+ this.failure.getMessage() + ") and truncating back to the last good position fails too; "
					+ "nothing was written.", this.failure));
			return;
		}
		LogConfig config = this.config;
		long startNanos = this.time.nanoseconds();
		long[] baseOffsets = new long[work.size()];
		long bytes = 0;
		try {
			for (int i = 0; i < work.size(); i++) {
				RecordBatches.Batch batch = work.get(i).batch();
				baseOffsets[i] = this.local.append(batch, config);
				bytes += batch.sizeInBytes();
			}
			if (config.flushMs() == 0) {
				this.local.flushActive();
			}
			else {
				scheduleFlush(config.flushMs());
			}
		}
		catch (IOException ex) {
			this.failure = ex;
			log.error("{} - Writing {} batches to {} failed; none of them is visible, and the partition refuses writes "
					+ "until it can write again.", this.name, work.size(), this.local.activeFile(), ex);
			fail(work, new LogStorageException(this.name + " - Writing to " + this.local.activeFile().getFileName()
					+ " failed (" + ex.getMessage() + "); nothing was written.", ex));
			return;
		}
		this.local.publish();
		if (log.isTraceEnabled()) {
			log.trace("{} - Wrote {} batches, {} bytes, up to offset {} in {} us.", this.name, work.size(), bytes,
					this.local.nextOffset() - 1, (this.time.nanoseconds() - startNanos) / 1000);
		}
		for (int i = 0; i < work.size(); i++) {
			PendingAppend append = work.get(i);
			append.future()
				.complete(new AppendResult(baseOffsets[i], baseOffsets[i] + append.batch().recordCount() - 1));
		}
		this.onPublished.run();
	}

	/** Truncates back to the published position after a failure (writer thread); false if that fails too. */
	private boolean repair() {
		try {
			this.local.rollbackToPublished();
			log.info("{} - Writes work again after the failure ({}); {} is back at offset {}.", this.name,
					this.failure.getMessage(), this.local.activeFile().getFileName(), this.local.logEndOffset());
			this.failure = null;
			return true;
		}
		catch (IOException ex) {
			log.debug("{} - Truncating back to offset {} failed; still refusing writes.", this.name,
					this.local.logEndOffset(), ex);
			this.failure = ex;
			return false;
		}
	}

	private void scheduleFlush(long flushMs) {
		if (this.scheduledFlush != null) {
			return;
		}
		try {
			this.scheduledFlush = this.lane.schedule(this::scheduledFlush, flushMs);
		}
		catch (RejectedExecutionException ex) {
			// The writer is shutting down and will run no timer: fsync now.
			scheduledFlush();
		}
	}

	private void scheduledFlush() {
		this.scheduledFlush = null;
		if (this.shutDown || this.failure != null) {
			return;
		}
		try {
			this.local.flushActive();
		}
		catch (IOException ex) {
			this.failure = ex;
			log.error("{} - Fsync of {} failed; the partition refuses writes until it can write again.", this.name,
					this.local.activeFile(), ex);
		}
		catch (RuntimeException ex) {
			log.error("{} - The scheduled fsync of {} failed unexpectedly.", this.name, this.local.activeFile(), ex);
		}
	}

	private void failPending(LogStorageException exception) {
		for (PendingAppend append = this.pending.poll(); append != null; append = this.pending.poll()) {
			this.lane.release(append.permits());
			append.future().completeExceptionally(exception);
		}
	}

	private static void fail(List<PendingAppend> work, LogStorageException exception) {
		for (PendingAppend append : work) {
			append.future().completeExceptionally(exception);
		}
	}

	private LogStorageException closedException() {
		return new LogStorageException(this.name + " - The log is closed; nothing was written.", null);
	}

	/**
	 * An append waiting for the writer.
	 *
	 * @param batch the built batch, offsets not yet assigned
	 * @param permits the queue room it holds
	 * @param future completed by the writer
	 */
	private record PendingAppend(RecordBatches.Batch batch, int permits, CompletableFuture<AppendResult> future) {
	}

}
