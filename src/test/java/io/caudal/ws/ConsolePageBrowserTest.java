package io.caudal.ws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page at {@code /} in a real browser: Debian's headless Chromium, driven through the
 * installed chromium-driver (named explicitly, so Selenium downloads nothing). Skipped only where
 * those two packages are not installed.
 */
class ConsolePageBrowserTest extends FullStackTest {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@TempDir
	Path profile;

	@Test
	void aRecordProducedOverHttpAppearsOnThePageLive() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"The browser test needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
						+ "apt-get install -y chromium chromium-driver");
		Response created = this.http.post("/topics", "{\"name\":\"browser-orders\",\"partitions\":2}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);

		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + this.profile);
		WebDriver browser = new ChromeDriver(service, options);
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get("http://localhost:" + port() + "/");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#topic option[value='browser-orders']")));
			new Select(browser.findElement(By.id("topic"))).selectByValue("browser-orders");
			browser.findElement(By.id("subscribe")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tail-status"), "Subscribed"));

			Response produced = this.http.post("/topics/browser-orders/records",
					"{\"records\":[{\"key\":\"user-7\",\"value\":{\"amount\":42}}]}");
			assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "{\"amount\":42}"));
			assertThat(browser.findElement(By.id("records")).getText()).contains("user-7");

			WebElement value = browser.findElement(By.id("value"));
			value.clear();
			value.sendKeys("typed on the page");
			browser.findElement(By.cssSelector("#produce button[type=submit]")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("produce-status"), "Stored"));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "\"typed on the page\""));
		}
		finally {
			browser.quit();
			service.stop();
		}
	}

}
