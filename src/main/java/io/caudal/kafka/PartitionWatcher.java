package io.caudal.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.topic.PartitionWait;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes every local reader waiting for records of a Kafka partition with one fetch per partition, however many
 * readers wait on it: one thread and one consumer per node. The consumer long-polls the brokers
 * ({@code fetch.max.wait.ms}) from the lowest offset anyone waits for; once a fetch returns records at or past a
 * waiter's offset, that waiter runs. The records themselves are dropped: readers fetch what they need through the
 * pool.
 * <p>
 * Also keeps, per partition, the highest end offset this node has seen ({@link #knownEnd}), so a wait for a record
 * known to exist runs at once. Thread-safe.
 */
final class PartitionWatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PartitionWatcher.class);

	private static final Duration POLL = Duration.ofMillis(500);

	private final Consumer<byte[], byte[]> consumer;

	private final Thread thread;

	/** Guarded by {@code this}: per partition, the waiters by offset. */
	private final Map<TopicPartition, NavigableMap<Long, List<Waiter>>> waiting = new HashMap<>();

	private final Map<TopicPartition, Long> knownEnds = new ConcurrentHashMap<>();

	private volatile boolean running = true;

	/** Where the consumer was last positioned; only the watcher's thread reads or writes it. */
	private final Map<TopicPartition, Long> positioned = new HashMap<>();

	PartitionWatcher(Consumer<byte[], byte[]> consumer) {
		this.consumer = consumer;
		this.thread = DaemonThreads.named("caudal-kafka-watcher").newThread(this::run);
		this.thread.start();
	}

	/** How many partitions have readers waiting on them now: each is one fetch, whatever the readers' number. */
	synchronized int watchedPartitions() {
		return this.waiting.size();
	}

	/** The highest end offset this node has seen for a partition: records below it exist (or existed). */
	long knownEnd(TopicPartition partition) {
		return this.knownEnds.getOrDefault(partition, 0L);
	}

	/** Records that the partition holds records below {@code end}, as an append or a read learned. */
	void advance(TopicPartition partition, long end) {
		this.knownEnds.merge(partition, end, Math::max);
	}

	PartitionWait await(TopicPartition partition, long offset, Runnable onAvailable) {
		if (knownEnd(partition) > offset) {
			onAvailable.run();
			return () -> false;
		}
		Waiter waiter = new Waiter(onAvailable);
		synchronized (this) {
			this.waiting.computeIfAbsent(partition, tp -> new TreeMap<>())
				.computeIfAbsent(offset, o -> new ArrayList<>())
				.add(waiter);
			notifyAll();
		}
		this.consumer.wakeup();
		return waiter::cancel;
	}

	/** Drops the waiters of a deleted topic: they never run. */
	void forget(String topic) {
		synchronized (this) {
			this.waiting.keySet().removeIf(tp -> tp.topic().equals(topic));
		}
		this.knownEnds.keySet().removeIf(tp -> tp.topic().equals(topic));
		this.consumer.wakeup();
	}

	private void run() {
		while (this.running) {
			try {
				Map<TopicPartition, Long> targets = targets();
				if (targets.isEmpty()) {
					continue;
				}
				position(targets);
				this.consumer.poll(POLL);
				wake(targets.keySet());
			}
			catch (WakeupException ex) {
				// A new waiter, or closing: look again.
			}
			catch (OffsetOutOfRangeException ex) {
				// Records were deleted under a waiter; it runs and its read reports where the partition now starts.
				ex.partitions().forEach(this::fireAll);
				ex.partitions().forEach(this.positioned::remove);
			}
			catch (RuntimeException ex) {
				if (this.running) {
					logger.warn("Watching Kafka partitions failed; trying again in a second.", ex);
					this.positioned.clear();
					pause(1000);
				}
			}
		}
		this.consumer.close(Duration.ofSeconds(1));
	}

	/** The lowest waiting offset per partition, dropping cancelled waiters; sleeps while nobody waits. */
	private Map<TopicPartition, Long> targets() {
		synchronized (this) {
			Map<TopicPartition, Long> targets = new HashMap<>();
			for (Iterator<Map.Entry<TopicPartition, NavigableMap<Long, List<Waiter>>>> partitions = this.waiting
				.entrySet()
				.iterator(); partitions.hasNext();) {
				Map.Entry<TopicPartition, NavigableMap<Long, List<Waiter>>> entry = partitions.next();
				NavigableMap<Long, List<Waiter>> byOffset = entry.getValue();
				byOffset.values().forEach(waiters -> waiters.removeIf(Waiter::isDone));
				byOffset.values().removeIf(List::isEmpty);
				if (byOffset.isEmpty()) {
					partitions.remove();
				}
				else {
					targets.put(entry.getKey(), byOffset.firstKey());
				}
			}
			if (targets.isEmpty() && this.running) {
				try {
					wait(1000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.running = false;
				}
			}
			return targets;
		}
	}

	private void position(Map<TopicPartition, Long> targets) {
		if (!targets.keySet().equals(this.positioned.keySet())) {
			this.consumer.assign(targets.keySet());
			this.positioned.keySet().retainAll(targets.keySet());
		}
		targets.forEach((tp, offset) -> {
			if (!offset.equals(this.positioned.get(tp))) {
				this.consumer.seek(tp, offset);
				this.positioned.put(tp, offset);
			}
		});
	}

	/** Runs the waiters below each partition's position now. */
	private void wake(Set<TopicPartition> partitions) {
		for (TopicPartition tp : partitions) {
			long position = this.consumer.position(tp);
			if (position > this.positioned.getOrDefault(tp, Long.MAX_VALUE)) {
				advance(tp, position);
				List<Waiter> ready = new ArrayList<>();
				synchronized (this) {
					NavigableMap<Long, List<Waiter>> byOffset = this.waiting.get(tp);
					if (byOffset != null) {
						NavigableMap<Long, List<Waiter>> below = byOffset.headMap(position, false);
						below.values().forEach(ready::addAll);
						below.clear();
					}
				}
				this.positioned.remove(tp);
				ready.forEach(Waiter::fire);
			}
		}
	}

	private void fireAll(TopicPartition tp) {
		List<Waiter> ready = new ArrayList<>();
		synchronized (this) {
			NavigableMap<Long, List<Waiter>> byOffset = this.waiting.remove(tp);
			if (byOffset != null) {
				byOffset.values().forEach(ready::addAll);
			}
		}
		ready.forEach(Waiter::fire);
	}

	private static void pause(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.running = false;
		synchronized (this) {
			notifyAll();
		}
		this.consumer.wakeup();
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One reader's wait: runs at most once, never after it was cancelled. */
	private static final class Waiter {

		private final Runnable onAvailable;

		private final AtomicBoolean done = new AtomicBoolean();

		Waiter(Runnable onAvailable) {
			this.onAvailable = onAvailable;
		}

		boolean isDone() {
			return this.done.get();
		}

		boolean cancel() {
			return this.done.compareAndSet(false, true);
		}

		void fire() {
			if (this.done.compareAndSet(false, true)) {
				try {
					this.onAvailable.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A reader's wake-up failed.", ex);
				}
			}
		}

	}

}
