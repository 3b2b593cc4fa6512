package io.caudal.log;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A batch built, checked and holding room in its writer's queue, not yet queued: what lets a caller check the
 * batches of several partitions before writing any. Either {@link #commit()} or {@link #cancel()} it, once.
 * Thread-safe.
 */
public final class PreparedAppend {

	private final LogAppender appender;

	private final RecordBatches.Batch batch;

	private final int permits;

	private final AtomicBoolean used = new AtomicBoolean();

	PreparedAppend(LogAppender appender, RecordBatches.Batch batch, int permits) {
		this.appender = appender;
		this.batch = batch;
		this.permits = permits;
	}

	/**
	 * Queues the batch; see {@link PartitionLog#append(java.util.List)} for what the future says.
	 * @throws IllegalStateException if it was committed or cancelled already
	 */
	public CompletableFuture<AppendResult> commit() {
		use();
		return this.appender.enqueue(this);
	}

	/** Gives back its room in the queue; nothing is written. Does nothing once committed or cancelled. */
	public void cancel() {
		if (this.used.compareAndSet(false, true)) {
			this.appender.release(this);
		}
	}

	RecordBatches.Batch batch() {
		return this.batch;
	}

	int permits() {
		return this.permits;
	}

	private void use() {
		if (!this.used.compareAndSet(false, true)) {
			throw new IllegalStateException("This append was committed or cancelled already.");
		}
	}

}
