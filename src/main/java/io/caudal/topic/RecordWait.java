package io.caudal.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.error.CaudalException;

/**
 * A wait for records in any of several partitions, holding no thread: the one implementation of waiting, under
 * every long poll, group poll, socket and event stream. It registers with the storage at each partition's position
 * and runs its wakeup once, when the first of them gets a record (at once if one already has); the other
 * registrations are then cancelled. Partitions that no longer exist are left out: their reader learns of it on its
 * next read. Thread-safe.
 */
public final class RecordWait {

	private final Runnable wakeup;

	private final AtomicBoolean done = new AtomicBoolean();

	private final List<PartitionWait> registrations = new ArrayList<>();

	private RecordWait(Runnable wakeup) {
		this.wakeup = wakeup;
	}

	/**
	 * Starts waiting.
	 * @param positions each partition with the offset its reader reads next
	 * @param wakeup runs once, on the thread that made records available (a storage thread) or the caller's; it must
	 * be quick and must not block
	 */
	static RecordWait start(Storage storage, Map<TopicPartition, Long> positions, Runnable wakeup) {
		RecordWait wait = new RecordWait(wakeup);
		for (Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
			if (wait.done.get()) {
				break;
			}
			try {
				PartitionWait registration = storage.awaitRecordsAfter(position.getKey(), position.getValue(),
						wait::fire);
				synchronized (wait.registrations) {
					wait.registrations.add(registration);
				}
			}
			catch (CaudalException ex) {
				// The partition is gone; its reader finds out when it reads.
			}
		}
		if (wait.done.get()) {
			wait.cancelRegistrations();
		}
		return wait;
	}

	/** Stops waiting: the wakeup never runs if it has not run yet. Idempotent. */
	public void cancel() {
		if (this.done.compareAndSet(false, true)) {
			cancelRegistrations();
		}
	}

	private void fire() {
		if (this.done.compareAndSet(false, true)) {
			cancelRegistrations();
			this.wakeup.run();
		}
	}

	private void cancelRegistrations() {
		List<PartitionWait> registered;
		synchronized (this.registrations) {
			registered = List.copyOf(this.registrations);
			this.registrations.clear();
		}
		registered.forEach(PartitionWait::cancel);
	}

}
