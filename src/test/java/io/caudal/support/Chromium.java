package io.caudal.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

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

	/**
	 * Starts headless Chromium through the installed driver, named explicitly so that Selenium downloads nothing;
	 * call {@link #require} first.
	 * @param profile an empty directory for the browser's profile
	 */
	public static Browser open(Path profile) {
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BROWSER.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + profile);
		return new Browser(new ChromeDriver(service, options), service);
	}

	/** A running browser and its driver, both ended by {@link #close}. */
	public record Browser(WebDriver driver, ChromeDriverService service) implements AutoCloseable {

		@Override
		public void close() {
			this.driver.quit();
			this.service.stop();
		}

	}

}
