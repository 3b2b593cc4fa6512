package io.caudal.ws;

import java.nio.file.Path;
import java.time.Duration;

import io.caudal.support.Chromium;
import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at {@code /} in a real browser: Debian's headless Chromium, driven through the
 * installed chromium-driver. Skipped only where those two packages are not installed, and never under
 * {@code CI=true}.
 */
class ConsolePageBrowserTest extends FullStackTest {

	@TempDir
	Path profile;

	@Test
	void aRecordProducedOverHttpAppearsOnThePageLive() {
		Chromium.require();
		// Any timestamp Kafka's window allows, even one no JavaScript Date can hold.
		Response created = this.http.post("/topics", "{\"name\":\"browser-orders\",\"partitions\":2,"
				+ "\"config\":{\"message.timestamp.after.max.ms\":9223372036854775807}}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);

		try (Chromium.Browser opened = Chromium.open(this.profile)) {
			WebDriver browser = opened.driver();
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get("http://localhost:" + port() + "/");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("identity"),
					"Security is off: every caller is trusted"));
			wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#topic option[value='browser-orders']")));
			new Select(browser.findElement(By.id("topic"))).selectByValue("browser-orders");
			browser.findElement(By.id("subscribe")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tail-status"), "Subscribed"));

			Response produced = this.http.post("/topics/browser-orders/records",
					"{\"records\":[{\"key\":\"user-7\",\"value\":{\"amount\":42}}]}");
			assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "{\"amount\":42}"));
			assertThat(browser.findElement(By.id("records")).getText()).contains("user-7");

			Response farFuture = this.http.post("/topics/browser-orders/records",
					"{\"records\":[{\"value\":\"far\",\"timestamp\":9000000000000000,\"partition\":0}]}");
			assertThat(farFuture.status()).as(farFuture.toString()).isEqualTo(200);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "9000000000000000"));

			WebElement value = browser.findElement(By.id("value"));
			value.clear();
			value.sendKeys("typed on the page");
			browser.findElement(By.cssSelector("#produce button[type=submit]")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("produce-status"), "Stored"));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "\"typed on the page\""));
		}
	}

}
