package io.caudal.support;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Debian's Chromium and its driver, which the browser tests drive; nothing is downloaded at test time. */
public final class Chromium {

	public static final Path BROWSER = Path.of("/usr/bin/chromium");

	public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

	private Chromium() {
	}

	/**
	 * Skips the test where the two packages are missing, except under {@code CI=true}, where a missing browser fails
	 * it: CI must run every test.
	 */
	public static void require() {
		boolean installed = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
		String missing = "The browser test needs Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
				+ "): apt-get install -y chromium chromium-driver";
		if (!installed && "true".equals(System.getenv("CI"))) {
			fail(missing);
		}
		assumeTrue(installed, missing);
	}

}
