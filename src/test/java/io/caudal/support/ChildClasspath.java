package io.caudal.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of Kafka code that runs in a child JVM because its dependencies (Scala, Jackson 2, JUnit 5, log4j,
 * Jetty) clash with Caudal's. Each is described by {@code src/test/resources/<name>/pom.xml}, from which Maven, through
 * the project's wrapper, resolves it (downloading on first use) into {@code target/<name>.classpath}: later calls,
 * in this JVM or the next, reuse that file until the pom changes or {@code mvn clean} removes it, so it is resolved
 * once per build rather than once per test.
 */
public final class ChildClasspath {

	private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);

	private ChildClasspath() {
	}

	/**
	 * @param name the directory of the pom under {@code src/test/resources}
	 * @return the classpath, the platform's path separator between entries
	 * @throws IllegalStateException if Maven cannot resolve it, with Maven's output
	 */
	public static String resolve(String name) throws IOException, InterruptedException {
		Path pom = basedir().resolve("src/test/resources").resolve(name).resolve("pom.xml");
		Path target = Files.createDirectories(basedir().resolve("target"));
		Path classpath = target.resolve(name + ".classpath");
		if (!Files.exists(classpath)
				|| Files.getLastModifiedTime(classpath).compareTo(Files.getLastModifiedTime(pom)) < 0) {
			// Written aside and moved in whole, so that a JVM reading it never sees half of it.
			Path resolving = Files.createTempFile(target, name, ".classpath");
			boolean windows = System.getProperty("os.name").startsWith("Windows");
			List<String> command = new ArrayList<>(List.of(basedir().resolve(windows ? "mvnw.cmd" : "mvnw").toString(),
					"-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
					"-Dmdep.outputFile=" + resolving));
			String repository = System.getProperty("maven.repo.local");
			if (repository != null) {
				command.add("-Dmaven.repo.local=" + repository);
			}
			ProcessResult maven = ProcessResult.run("mvnw dependency:build-classpath", RESOLVE_TIMEOUT, command, target);
			if (maven.status() != 0) {
				Files.deleteIfExists(resolving);
				throw new IllegalStateException("Resolving the classpath of " + pom + " failed with status "
						+ maven.status() + "; output:\n" + maven.stdout() + "\n" + maven.stderr());
			}
			Files.move(resolving, classpath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		return Files.readString(classpath).strip();
	}

	/** The project's directory: Surefire's {@code basedir}, else the working directory. */
	static Path basedir() {
		return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
	}

}
