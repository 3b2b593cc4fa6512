package io.caudal.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.caudal.support.ChildServer;
import io.caudal.support.TestHttp;

/**
 * The kill -9 soak: a Caudal in a child JVM is killed with SIGKILL and started again, {@code --cycles} times, while
 * producers send keyed, idempotent requests (retried with their key until acknowledged) and a group of HTTP members
 * reads and commits. Then the load stops, the group drains the topic, and {@link SoakCheck} counts lost, duplicated,
 * reordered, skipped and double-owned records. Exits 1 unless every count is zero. Run it with
 * {@code bench/soak.sh --cycles 200}.
 */
public final class Soak {

	static final int PARTITIONS = 4;

	private static final int PRODUCERS = 3;

	private static final int CONSUMERS = 3;

	private Soak() {
	}

	public static void main(String[] args) throws Exception {
		int cycles = 20;
		long seed = System.nanoTime();
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--cycles" -> cycles = Integer.parseInt(args[i + 1]);
				case "--seed" -> seed = Long.parseLong(args[i + 1]);
				default -> throw new IllegalArgumentException("Unknown option " + args[i]);
			}
		}
		System.out.println("soak: " + cycles + " kill -9 cycles, seed " + seed);
		Random random = new Random(seed);
		Path root = Files.createTempDirectory("caudal-soak");
		Path data = root.resolve("data");
		Files.createDirectories(data);
		Ledger ledger = new Ledger();
		AtomicLong refusals = new AtomicLong();
		AtomicLong retries = new AtomicLong();
		ChildServer server = ChildServer.start(data, "256m", 0);
		AtomicReference<TestHttp> current = new AtomicReference<>(server.http());
		if (server.http().post("/topics", "{\"name\":\"soak\",\"partitions\":" + PARTITIONS + "}").status() != 201) {
			throw new IllegalStateException("Could not create the soak topic.");
		}
		AtomicBoolean producing = new AtomicBoolean(true);
		AtomicBoolean consuming = new AtomicBoolean(true);
		List<Thread> producers = new ArrayList<>();
		for (int p = 0; p < PRODUCERS; p++) {
			producers.add(started("soak-producer-" + p,
					new SoakProducer(p, current::get, ledger, producing, random.nextLong(), refusals, retries)));
		}
		List<Thread> consumers = new ArrayList<>();
		for (int c = 0; c < CONSUMERS; c++) {
			consumers.add(started("soak-consumer-" + c, new SoakConsumer(current::get, ledger, consuming, random.nextLong())));
		}
		long start = System.nanoTime();
		for (int cycle = 1; cycle <= cycles; cycle++) {
			pause(1000 + random.nextInt(3000));
			server.kill();
			server.close();
			server = ChildServer.start(data, "256m", 0);
			current.set(server.http());
			if (cycle % 10 == 0 || cycle == cycles) {
				System.out.printf("soak: cycle %d, %d records acknowledged, %d processed, %.0f s%n", cycle,
						ledger.acknowledgedOffsets().size(), ledger.deliveries(), (System.nanoTime() - start) / 1e9);
			}
		}
		producing.set(false);
		for (Thread producer : producers) {
			producer.join();
		}
		SoakCheck check = new SoakCheck(server.http(), ledger);
		check.awaitDrained();
		consuming.set(false);
		for (Thread consumer : consumers) {
			consumer.join();
		}
		SoakCheck.Report report = check.report(refusals.get(), retries.get());
		server.stop();
		server.close();
		System.out.println(report);
		System.exit(report.clean() ? 0 : 1);
	}

	private static Thread started(String name, Runnable client) {
		Thread thread = new Thread(client, name);
		thread.start();
		return thread;
	}

	static void pause(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
