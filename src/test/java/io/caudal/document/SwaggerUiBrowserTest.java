package io.caudal.document;

import java.nio.file.Path;
import java.time.Duration;

import io.caudal.support.ApiDocument;
import io.caudal.support.Chromium;
import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swagger UI in a real browser shows every operation of the document and "Try it out" works, with record values that
 * are not objects.
 */
class SwaggerUiBrowserTest extends FullStackTest {

	@TempDir
	Path profile;

	@Test
	void everyOperationIsShownAndTryItOutProducesValuesOfAnyType() throws Exception {
		Chromium.require();
		assertThat(this.http.post("/topics", "{\"name\":\"swagger-orders\"}").status()).isEqualTo(201);
		try (Chromium.Browser opened = Chromium.open(this.profile)) {
			WebDriver browser = opened.driver();
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
			browser.get("http://localhost:" + port() + "/swagger-ui.html");
			wait.until(driver -> driver.findElements(By.cssSelector(".opblock")).size() == ApiDocument.operations().size());
			assertThat(browser.findElements(By.cssSelector(".errors-wrapper"))).isEmpty();

			WebElement produce = browser.findElement(By.id("operations-Records-produce"));
			produce.findElement(By.cssSelector(".opblock-summary")).click();
			wait.until(driver -> !produce.findElements(By.cssSelector(".try-out__btn")).isEmpty());
			produce.findElement(By.cssSelector(".try-out__btn")).click();
			WebElement topic = produce.findElement(By.cssSelector("tr[data-param-name='topic'] input"));
			replaceText(topic, "swagger-orders");
			replaceText(produce.findElement(By.cssSelector("textarea.body-param__text")),
					"{\"records\":[{\"key\":\"k\",\"value\":\"a string\"},{\"value\":[1,2]},{\"value\":7}]}");
			produce.findElement(By.cssSelector(".execute")).click();
			By status = By.cssSelector("#operations-Records-produce .live-responses-table tr.response .response-col_status");
			wait.until(ExpectedConditions.presenceOfElementLocated(status));
			assertThat(browser.findElement(status).getText()).as("the answer Swagger UI got, to %s",
					produce.findElement(By.cssSelector(".curl-command")).getText())
				.startsWith("200");
		}
		TestHttp.Response stored = this.http.get("/topics/swagger-orders/partitions/0/records?offset=earliest");
		assertThat(stored.json().get("records")).extracting(record -> record.get("value").toString())
			.containsExactly("\"a string\"", "[1,2]", "7");
	}

	/** Swagger UI's fields are React's: clear() leaves their state as it was, keystrokes change it. */
	private static void replaceText(WebElement field, String text) {
		field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
		field.sendKeys(text);
	}

}
