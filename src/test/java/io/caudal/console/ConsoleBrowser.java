package io.caudal.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.caudal.support.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in Debian's headless Chromium, with what every journey needs: open an address, wait for text, fill
 * fields, check accessibility with axe-core and keep a screenshot of each page in {@code target/console-screenshots}.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	static final Dimension DESKTOP = new Dimension(1280, 1000);

	static final Dimension PHONE = new Dimension(390, 844);

	/** The last elements that reach past the window's right edge, outside regions that scroll on their own. */
	private static final String PAST_THE_EDGE = """
			const limit = document.documentElement.clientWidth;
			return Array.from(document.querySelectorAll('body *'))
				.filter(e => e.getBoundingClientRect().right > limit + 1 && !e.closest('.scroll'))
				.slice(-5)
				.map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
			""";

	private final Chromium.Browser browser;

	private final int port;

	final WebDriver driver;

	final WebDriverWait wait;

	ConsoleBrowser(Path profile, int port) {
		Chromium.require();
		this.browser = Chromium.open(profile);
		this.driver = this.browser.driver();
		this.driver.manage().window().setSize(DESKTOP);
		this.wait = new WebDriverWait(this.driver, Duration.ofSeconds(20));
		this.port = port;
	}

	/** Opens an address of the console, such as {@code #/topics/orders}, and waits for its heading. */
	void open(String hash) {
		this.driver.get("http://localhost:" + this.port + "/" + hash);
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
	}

	WebElement find(String css) {
		return this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
	}

	void click(String css) {
		this.wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
	}

	void type(String css, String text) {
		WebElement field = find(css);
		field.clear();
		field.sendKeys(text);
	}

	/** Sets a field's value as a script would, for inputs whose typing depends on the browser's locale. */
	void setValue(String css, String value) {
		script("const field = document.querySelector(arguments[0]); field.value = arguments[1];"
				+ "field.dispatchEvent(new Event('input', { bubbles: true }));", css, value);
	}

	void select(String css, String value) {
		new Select(find(css)).selectByValue(value);
	}

	String text(String css) {
		return find(css).getText();
	}

	void awaitText(String css, String text) {
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
	}

	<T> T until(Function<WebDriver, T> condition) {
		return this.wait.until(condition);
	}

	Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	/** Confirms the open dialog, typing what it asks for first when it asks. */
	void confirm(String typed) {
		if (typed != null) {
			type("#confirm-typed", typed);
		}
		click("#confirm-yes");
		this.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog")));
	}

	/** Checks the page with axe-core: no serious or critical violation. */
	void assertAccessible(String page) {
		Results results = new AxeBuilder().analyze(this.driver);
		List<String> violations = results.getViolations()
			.stream()
			.filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
			.map(ConsoleBrowser::describe)
			.toList();
		assertThat(violations).as("serious or critical accessibility violations on %s", page).isEmpty();
	}

	private static String describe(Rule rule) {
		return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
				+ rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).limit(3).toList();
	}

	/**
	 * Keeps a screenshot of the whole page (up to 3,000 pixels tall) at the window's width, as a test artifact: the
	 * window is made as tall as the page for the shot.
	 */
	void screenshot(String name) {
		Dimension window = this.driver.manage().window().getSize();
		script("window.scrollTo(0, 0)");
		int height = ((Number) script("return document.documentElement.scrollHeight")).intValue();
		this.driver.manage().window().setSize(new Dimension(window.getWidth(), Math.min(3000, Math.max(height + 140,
				window.getHeight()))));
		try {
			Files.createDirectories(SCREENSHOTS);
			Path taken = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE).toPath();
			Files.copy(taken, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			this.driver.manage().window().setSize(window);
		}
	}

	/** Checks accessibility and keeps screenshots at desktop and phone widths. */
	void review(String page) {
		assertAccessible(page);
		screenshot(page);
		this.driver.manage().window().setSize(PHONE);
		assertAccessible(page + " on a phone");
		Object overflow = script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
		Object pastTheEdge = script(PAST_THE_EDGE);
		assertThat(((Number) overflow).intValue()).as("%s scrolls sideways on a phone; past the edge: %s", page,
				pastTheEdge).isLessThanOrEqualTo(0);
		screenshot(page + "-phone");
		this.driver.manage().window().setSize(DESKTOP);
	}

	@Override
	public void close() {
		this.browser.close();
	}

}
