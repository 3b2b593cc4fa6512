package io.caudal.bench.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How the console's live tail holds up: the page first takes in {@code --preload} records (it keeps up to 10,000),
 * then a producer feeds the topic at {@code --rate} records/s for {@code --seconds}. Chromium's long tasks (main
 * thread busy over 50 ms) come from an in-page {@code PerformanceObserver}; the delay of an animation frame asked
 * for every 250 ms tells how soon the page could answer a click. Ends with one {@code RESULT key=value …} line.
 *
 * <pre>
 * java -cp … io.caudal.bench.console.ConsoleLongTasks --url http://127.0.0.1:8080 [--rate 5000] [--seconds 30]
 *     [--preload 10000] [--batch 100]
 * </pre>
 */
public final class ConsoleLongTasks {

	private static final String OBSERVE = """
			window.benchLongTasks = [];
			new PerformanceObserver(list => list.getEntries().forEach(e => window.benchLongTasks.push(e.duration)))
				.observe({ type: 'longtask', buffered: true });
			""";

	private static final String FRAME_DELAY = """
			const done = arguments[arguments.length - 1];
			const asked = performance.now();
			requestAnimationFrame(() => done(performance.now() - asked));
			""";

	private ConsoleLongTasks() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new java.util.HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		String url = options.getOrDefault("url", "http://127.0.0.1:8080");
		int rate = Integer.parseInt(options.getOrDefault("rate", "5000"));
		int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
		int preload = Integer.parseInt(options.getOrDefault("preload", "10000"));
		int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
		String topic = "console-bench-" + System.currentTimeMillis();
		HttpClient http = HttpClient.newHttpClient();
		post(http, url + "/topics", "{\"name\":\"" + topic + "\",\"partitions\":4}");
		String body = records(batch);
		for (int sent = 0; sent < preload; sent += batch) {
			post(http, url + "/topics/" + topic + "/records", body);
		}

		Path profile = Files.createTempDirectory("console-bench-");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File(
				"/usr/bin/chromedriver")).usingAnyFreePort().build();
		ChromeOptions chrome = new ChromeOptions();
		chrome.setBinary("/usr/bin/chromium");
		chrome.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--user-data-dir=" + profile);
		WebDriver driver = new ChromeDriver(service, chrome);
		try {
			driver.manage().window().setSize(new Dimension(1280, 1000));
			driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
			JavascriptExecutor page = (JavascriptExecutor) driver;
			WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
			driver.get(url + "/#/topics/" + topic + "/live");
			wait.until(d -> !d.findElements(By.id("tail-start")).isEmpty());
			page.executeScript(OBSERVE);
			new Select(driver.findElement(By.id("tail-cap"))).selectByValue("10000");
			new Select(driver.findElement(By.id("tail-from"))).selectByValue("earliest");
			driver.findElement(By.id("tail-start")).click();
			wait.until(d -> kept(d) >= Math.min(preload, 10000));
			page.executeScript("window.benchLongTasks.length = 0");

			AtomicLong produced = new AtomicLong();
			Thread producer = new Thread(() -> produce(http, url, topic, body, batch, rate, seconds, produced),
					"producer");
			long started = System.nanoTime();
			producer.start();
			List<Double> frameDelays = new ArrayList<>();
			while (producer.isAlive()) {
				frameDelays.add(((Number) page.executeAsyncScript(FRAME_DELAY)).doubleValue());
				TimeUnit.MILLISECONDS.sleep(250);
			}
			double elapsed = (System.nanoTime() - started) / 1e9;
			long expected = preload + produced.get();
			wait.until(d -> received(d) >= expected);
			@SuppressWarnings("unchecked")
			List<Number> longTasks = (List<Number>) page.executeScript("return window.benchLongTasks");
			List<Double> tasks = longTasks.stream().map(Number::doubleValue).sorted().toList();
			Collections.sort(frameDelays);
			System.out.printf("RESULT produced=%d seconds=%.1f producedPerSec=%.0f received=%d kept=%d longTasks=%d "
					+ "longTaskMs=%.0f longTaskMaxMs=%.0f busyPct=%.1f frameDelayP50Ms=%.1f frameDelayP99Ms=%.1f "
					+ "frameDelayMaxMs=%.1f%n", produced.get(), elapsed, produced.get() / elapsed, received(driver),
					kept(driver), tasks.size(), sum(tasks), tasks.isEmpty() ? 0 : tasks.get(tasks.size() - 1),
					100 * sum(tasks) / 1000 / elapsed, percentile(frameDelays, 0.5), percentile(frameDelays, 0.99),
					frameDelays.isEmpty() ? 0 : frameDelays.get(frameDelays.size() - 1));
		}
		finally {
			driver.quit();
			service.stop();
		}
	}

	/** Produces batches at the rate, paced against the clock, for the time given. */
	private static void produce(HttpClient http, String url, String topic, String body, int batch, int rate,
			int seconds, AtomicLong produced) {
		long start = System.nanoTime();
		long end = start + TimeUnit.SECONDS.toNanos(seconds);
		long nanosPerBatch = TimeUnit.SECONDS.toNanos(1) * batch / rate;
		long next = start;
		while (next < end) {
			try {
				post(http, url + "/topics/" + topic + "/records", body);
				produced.addAndGet(batch);
				next += nanosPerBatch;
				long wait = next - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static long received(WebDriver driver) {
		return statistic(driver, "received");
	}

	private static long kept(WebDriver driver) {
		return statistic(driver, "kept");
	}

	/** A number of the tail's rate line: "… · 12,345 received · 10,000 kept …". */
	private static long statistic(WebDriver driver, String name) {
		String line = driver.findElement(By.id("tail-rate")).getText().replace(",", "");
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+) " + name).matcher(line);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	private static String records(int count) {
		StringBuilder body = new StringBuilder("{\"records\":[");
		for (int i = 0; i < count; i++) {
			body.append(i == 0 ? "" : ",").append("{\"key\":\"user-").append(i % 50)
				.append("\",\"value\":{\"order\":").append(i).append(",\"amount\":12.5,\"note\":\"benchmark record\"}}");
		}
		return body.append("]}").toString();
	}

	private static void post(HttpClient http, String url, String body) throws Exception {
		HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() / 100 != 2) {
			throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
		}
	}

	private static double sum(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).sum();
	}

	private static double percentile(List<Double> sorted, double fraction) {
		return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(fraction * sorted.size())));
	}

}
