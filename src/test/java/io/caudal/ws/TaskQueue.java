package io.caudal.ws;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor whose tasks run only when a test says so, on the test's thread. */
final class TaskQueue implements Executor {

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
	}

	int pending() {
		return this.tasks.size();
	}

	/** Runs tasks, those they submit included, until none is left; returns how many ran. */
	int runPending() {
		int ran = 0;
		for (Runnable task = this.tasks.poll(); task != null; task = this.tasks.poll()) {
			task.run();
			if (++ran > 100_000) {
				throw new IllegalStateException("Tasks keep submitting tasks: a pump that never rests.");
			}
		}
		return ran;
	}

}
