package io.caudal.bench;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code parallel THREADS MAIN-CLASS ARGS…}: runs {@code MAIN-CLASS.main(ARGS)} in THREADS threads
 * of this JVM at once, with {@code {i}} in an argument replaced by the thread's number, and waits
 * for them all (at most 30 minutes). Used to run N of Kafka's own ProducerPerformance clients as N
 * concurrent producers without N JVMs competing for the two cores. Prints
 * {@code RESULT wallMs=…}.
 */
final class Parallel {

	static void run(String[] args) throws Exception {
		int threads = Integer.parseInt(args[0]);
		Method main = Class.forName(args[1]).getMethod("main", String[].class);
		String[] template = Arrays.copyOfRange(args, 2, args.length);
		List<Thread> running = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < threads; i++) {
			String index = Integer.toString(i);
			String[] mainArgs = Arrays.stream(template).map(a -> a.replace("{i}", index)).toArray(String[]::new);
			Thread thread = new Thread(() -> {
				try {
					main.invoke(null, (Object) mainArgs);
				}
				catch (Throwable ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			}, "tool-" + i);
			thread.start();
			running.add(thread);
		}
		for (Thread thread : running) {
			thread.join(30 * 60_000L);
		}
		System.out.println("RESULT wallMs=" + (System.nanoTime() - start) / 1_000_000 + " failures=" + failures.size());
		failures.forEach(Throwable::printStackTrace);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	private Parallel() {
	}

}
