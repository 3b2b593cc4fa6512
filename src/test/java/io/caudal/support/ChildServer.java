package io.caudal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.caudal.CaudalApplication;

/**
 * A whole Caudal in a child JVM, for tests that need what the test JVM cannot give it: a small heap, a low open-file
 * limit, a SIGKILL. Its output goes to a file that failures quote.
 */
public final class ChildServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private final Process process;

	private final int port;

	private final Path output;

	private ChildServer(Process process, int port, Path output) {
		this.process = process;
		this.port = port;
		this.output = output;
	}

	/**
	 * Starts Caudal and waits until it answers its health check.
	 * @param dataDir the data directory
	 * @param maxHeap the {@code -Xmx} value, e.g. {@code 256m}
	 * @param openFileLimit the open-file limit ({@code ulimit -n}), or 0 to keep this process's
	 * @param properties extra settings as {@code name=value}
	 * @throws IllegalStateException if it does not become healthy, with its output
	 */
	public static ChildServer start(Path dataDir, String maxHeap, int openFileLimit, String... properties) {
		ChildServer server = launch(dataDir, maxHeap, openFileLimit, properties);
		server.awaitHealthy();
		return server;
	}

	/** Starts Caudal without waiting for it; see {@link #start}. */
	public static ChildServer launch(Path dataDir, String maxHeap, int openFileLimit, String... properties) {
		try {
			int port = freePort();
			Path output = Files.createTempFile(dataDir.getParent(), "child-", ".log");
			List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
					"-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
					CaudalApplication.class.getName(), "--server.port=" + port, "--caudal.data-dir=" + dataDir));
			for (String property : properties) {
				java.add("--" + property);
			}
			List<String> command = new ArrayList<>();
			if (openFileLimit > 0) {
				// ulimit is a shell builtin; exec keeps the JVM as the process the test signals.
				command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + openFileLimit + " && exec \"$@\"", "sh"));
			}
			command.addAll(java);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			return new ChildServer(process, port, output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public TestHttp http() {
		return new TestHttp(this.port);
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Everything the child printed so far. */
	public String output() {
		try {
			return Files.readString(this.output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until the readiness probe (open with security on too) answers 200, or fails with the child's output. */
	public void awaitHealthy() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		TestHttp http = http();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The child exited with " + this.process.exitValue()
						+ " before it was healthy:\n" + output());
			}
			try {
				if (http.send(HttpRequest.newBuilder(http.uri("/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).GET())
					.status() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// Not listening yet.
			}
			sleep(200);
		}
		throw new IllegalStateException("The child was not healthy after " + START_TIMEOUT + ":\n" + output());
	}

	/** Stops the child with SIGTERM, as an operator would, and waits for it to exit. */
	public int stop() {
		this.process.destroy();
		return waitForExit();
	}

	/** Kills the child with SIGKILL and waits for it to exit. */
	public void kill() {
		this.process.destroyForcibly();
		waitForExit();
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private int waitForExit() {
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
