package io.caudal.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a finished child process left.
 *
 * @param status its exit status
 * @param stdout its standard output
 * @param stderr its standard error
 */
public record ProcessResult(int status, String stdout, String stderr) {

	/**
	 * Runs a command to its end with {@code JAVA_HOME} set to this JVM's, so that the Maven wrapper and Java tools use
	 * the JDK of the tests. Its output goes through files in {@code dir}, deleted afterwards, so that a child that
	 * prints a lot never blocks on a full pipe.
	 * @param name what the command is, for the failure message
	 * @throws IllegalStateException if it does not finish within the timeout; it is killed
	 */
	public static ProcessResult run(String name, Duration timeout, List<String> command, Path dir)
			throws IOException, InterruptedException {
		Path stdout = Files.createTempFile(dir, "stdout", ".txt");
		Path stderr = Files.createTempFile(dir, "stderr", ".txt");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile());
			builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
			Process process = builder.start();
			try {
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException(name + " did not finish within " + timeout + ": " + command);
				}
			}
			finally {
				process.destroyForcibly();
			}
			return new ProcessResult(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
					Files.readString(stderr, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(stdout);
			Files.deleteIfExists(stderr);
		}
	}

}
