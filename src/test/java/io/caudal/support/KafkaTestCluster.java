package io.caudal.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka 4.3.1 cluster, shared by the whole test suite: three KRaft nodes, each a broker and a
 * controller, broker ids 0 to 2, with {@code min.insync.replicas=2}, three replicas by default and no automatic topic
 * creation. Tests share it, so each uses topics and groups of its own names, and a test that stops a broker starts it
 * again before it ends.
 * <p>
 * Kafka's server (Scala, Jackson 2, JUnit 5, log4j) clashes with Spring Boot's test classpath, so the cluster runs in
 * a child JVM: {@code src/test/resources/kafka-cluster/KafkaTestClusterMain.java}, in source-file mode, on the
 * classpath of {@code src/test/resources/kafka-cluster/pom.xml} (see {@link ChildClasspath}). It starts on the first
 * call to {@link #shared()} and stops when this JVM exits; if this JVM is killed, the child sees its standard input
 * close and stops too. Its files are in a {@code target/kafka-cluster-*} directory: {@code answers.txt} (its
 * standard output), {@code output.txt} (its standard error) and {@code kafka.log} (Kafka's WARN log), which failures
 * quote.
 * <p>
 * Nothing is skipped: if the cluster cannot start, every test that needs it fails with the reason. Thread-safe.
 */
public final class KafkaTestCluster {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

	private static final int QUOTED_LOG_LINES = 40;

	private static KafkaTestCluster shared;

	private static IllegalStateException startFailure;

	private final Process process;

	private final Path directory;

	private final String bootstrapServers;

	/** Lines of {@code answers.txt} read so far (the bootstrap line, then one answer per command); guarded by this. */
	private int answers = 1;

	private KafkaTestCluster(Process process, Path directory, String bootstrapServers) {
		this.process = process;
		this.directory = directory;
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * The cluster, started on the first call (which waits until its brokers are ready, 120 s at most).
	 * @throws IllegalStateException if it cannot start (then, and on every later call), with the child's output
	 */
	public static synchronized KafkaTestCluster shared() {
		if (startFailure != null) {
			throw new IllegalStateException("The Kafka test cluster failed to start earlier in this run",
					startFailure);
		}
		if (shared == null) {
			try {
				shared = start();
			}
			catch (IllegalStateException ex) {
				startFailure = ex;
				throw ex;
			}
		}
		return shared;
	}

	/** The brokers' addresses, {@code localhost:port,...}; a broker keeps its port when it restarts. */
	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Stops broker {@code brokerId} (0 to 2) with a controlled shutdown: the controller moves its leaderships and
	 * removes it from every ISR, as when an operator stops a broker. Returns once it has stopped.
	 * @throws IllegalStateException if it fails, with the child's output
	 */
	public synchronized void stopBroker(int brokerId) {
		command("stop-broker " + brokerId);
	}

	/**
	 * Starts broker {@code brokerId} (0 to 2) again, and returns once the controller has unfenced it. Its replicas
	 * rejoin their ISR later, once they have caught up.
	 * @throws IllegalStateException if it fails, with the child's output
	 */
	public synchronized void startBroker(int brokerId) {
		command("start-broker " + brokerId);
	}

	private static KafkaTestCluster start() {
		long started = System.nanoTime();
		long resolved;
		Path directory;
		Process process;
		try {
			String classpath = ChildClasspath.resolve("kafka-cluster");
			resolved = System.nanoTime();
			directory = Files.createTempDirectory(ChildClasspath.basedir().resolve("target"), "kafka-cluster-");
			process = launch(classpath, directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot launch the Kafka test cluster: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while resolving the Kafka test cluster's classpath", ex);
		}
		String bootstrap;
		try {
			bootstrap = awaitLine(process, directory, 0, START_TIMEOUT);
			if (!bootstrap.startsWith("BOOTSTRAP ")) {
				throw failure(directory, "The Kafka test cluster started with '" + bootstrap + "'");
			}
		}
		catch (IllegalStateException ex) {
			stop(process);
			throw ex;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "kafka-test-cluster-stop"));
		String bootstrapServers = bootstrap.substring("BOOTSTRAP ".length());
		System.out.printf("Kafka test cluster: brokers %s ready in %d ms (%d ms of it resolving the classpath); "
				+ "files in %s%n", bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
				TimeUnit.NANOSECONDS.toMillis(resolved - started), directory);
		return new KafkaTestCluster(process, directory, bootstrapServers);
	}

	/** Starts the cluster's JVM, its standard output and error going to files in {@code directory}. */
	private static Process launch(String classpath, Path directory) throws IOException {
		Path resources = ChildClasspath.basedir().resolve("src/test/resources/kafka-cluster");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
				"-XX:+ExitOnOutOfMemoryError",
				// C1 only: on a small, busy machine the cluster starts in half the time, and tests need a cluster that
				// answers, not one at its peak throughput.
				"-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=" + resources.resolve("log4j2.properties"),
				"-Dkafka.cluster.log=" + directory.resolve("kafka.log"), "-cp", classpath,
				resources.resolve("KafkaTestClusterMain.java").toString(), directory.toString());
		return new ProcessBuilder(command).redirectOutput(directory.resolve("answers.txt").toFile())
			.redirectError(directory.resolve("output.txt").toFile())
			.start();
	}

	private void command(String command) {
		try {
			OutputStream stdin = this.process.getOutputStream();
			stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
			stdin.flush();
		}
		catch (IOException ex) {
			throw failure(this.directory, "Cannot send '" + command + "' to the Kafka test cluster: " + ex);
		}
		String answer = awaitLine(this.process, this.directory, this.answers++, COMMAND_TIMEOUT);
		if (!answer.equals("OK")) {
			throw failure(this.directory, "The Kafka test cluster answered '" + command + "' with '" + answer + "'");
		}
	}

	/** Waits for line {@code index} (from 0) of the child's standard output. */
	private static String awaitLine(Process process, Path directory, int index, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<String> lines = readLines(directory.resolve("answers.txt"));
			if (lines.size() > index) {
				return lines.get(index);
			}
			if (!process.isAlive()) {
				throw failure(directory, "The Kafka test cluster exited with status " + process.exitValue());
			}
			if (System.nanoTime() - deadline > 0) {
				throw failure(directory, "The Kafka test cluster did not answer within " + timeout);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw failure(directory, "Interrupted while waiting for the Kafka test cluster");
			}
		}
	}

	/**
	 * Kills the child: its brokers' files are the test run's and go with {@code target/}, so a controlled shutdown
	 * of three brokers (20 s and more) would only delay the end of the test JVM, which Surefire allows 30 s.
	 */
	private static void stop(Process process) {
		try {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static IllegalStateException failure(Path directory, String message) {
		Path output = directory.resolve("output.txt");
		Path kafkaLog = directory.resolve("kafka.log");
		List<String> log = readLines(kafkaLog);
		return new IllegalStateException(message + ".\nIts standard error (" + output + "):\n"
				+ String.join("\n", readLines(output)) + "\nThe end of " + kafkaLog + ":\n"
				+ String.join("\n", log.subList(Math.max(0, log.size() - QUOTED_LOG_LINES), log.size())));
	}

	private static List<String> readLines(Path file) {
		try {
			return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
		}
		catch (IOException ex) {
			return List.of("(cannot read " + file + ": " + ex + ")");
		}
	}

}
