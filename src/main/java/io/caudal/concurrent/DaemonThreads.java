package io.caudal.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the server's own executors: daemon threads, so that none of them keeps a stopping JVM up. */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/** One thread, or each thread, called {@code name}. */
	public static ThreadFactory named(String name) {
		return runnable -> daemon(runnable, name);
	}

	/** Threads called {@code prefix1}, {@code prefix2}, … */
	public static ThreadFactory numbered(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return runnable -> daemon(runnable, prefix + count.incrementAndGet());
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

}
