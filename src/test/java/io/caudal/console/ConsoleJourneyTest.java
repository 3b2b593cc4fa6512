package io.caudal.console;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's journeys in a real browser (Debian's headless Chromium), against a real server: create a topic,
 * produce JSON and bytes, find records by offset, time and key, watch them arrive live and pause the tail, run a
 * group with one member through the API and one in the page, reset its offsets once empty, and delete. Every page
 * is checked with axe-core at desktop and phone widths, and its screenshots are kept.
 */
class ConsoleJourneyTest extends FullStackTest {

	private static final Pattern STORED = Pattern.compile("Stored in partition (\\d+) at offset (\\d+)");

	@TempDir
	Path profile;

	@Test
	void createProduceFindWatchAndDelete() {
		try (ConsoleBrowser page = new ConsoleBrowser(this.profile, port())) {
			page.open("#/topics");
			page.review("topics");
			page.type("#new-topic-name", "console-orders");
			page.type("#new-topic-partitions", "3");
			page.click("#create-topic button[type=submit]");
			page.until(driver -> driver.getCurrentUrl().endsWith("#/topics/console-orders"));
			page.awaitText("#partitions", "3 partitions");

			// Produce JSON with a key and a header, then bytes to a chosen partition.
			Instant before = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
			page.click("a[href='#/topics/console-orders/produce']");
			page.type("#produce-key", "user-1");
			page.type("#produce-value", "{bad");
			page.awaitText("#produce-check", "not JSON");
			page.type("#produce-value", "{\"amount\": 42}");
			page.awaitText("#produce-check", "Valid JSON");
			page.click("#add-header");
			page.type(".header-name", "source");
			page.type(".header-value", "console");
			page.click("#produce-form button[type=submit]");
			page.awaitText("#produce-answer", "Stored in partition");
			Matcher json = STORED.matcher(page.text("#produce-answer"));
			assertThat(json.find()).isTrue();
			int keyPartition = Integer.parseInt(json.group(1));
			page.review("produce");
			page.select("#produce-mode", "bytes");
			page.type("#produce-key", "");
			page.type("#produce-value", "3q2+7w==");
			page.select("#produce-partition", "0");
			page.click("#produce-form button[type=submit]");
			page.awaitText("#produce-answer", "Stored in partition 0");
			Matcher bytes = STORED.matcher(page.text("#produce-answer"));
			assertThat(bytes.find()).isTrue();

			// By offset: the answer's link opens the record's page.
			page.click("#produce-answer a");
			page.awaitText("#browse-summary", "records loaded");
			page.click("#browse-table tbody tr:first-child button");
			page.awaitText("#record-value", "de ad be ef");
			page.select("#bytes-mode", "base64");
			page.awaitText("#record-value", "3q2+7w==");

			// By key: the key's partition, filtered to the key; its record shows its value and header.
			page.open("#/topics/console-orders/messages");
			page.type("#filter-key", "user-1");
			page.click("#key-jump");
			page.until(driver -> driver.getCurrentUrl().contains("partition=" + keyPartition));
			page.awaitText("#browse-table", "user-1");
			page.click("#browse-table tbody tr:first-child button");
			page.awaitText("#record-value", "\"amount\": 42");
			page.awaitText("#record-details", "source");
			page.review("messages");

			// By time: from a second before the produce, every partition.
			page.open("#/topics/console-orders/messages");
			page.select("#browse-start", "time");
			page.setValue("#browse-time", before.toString().replace("Z", ""));
			page.click("#browse-load");
			page.awaitText("#browse-table", "user-1");

			// Paging: 120 records in partition 1, 50 per page, forward and back (the browser's back button).
			StringBuilder many = new StringBuilder();
			for (int i = 0; i < 120; i++) {
				many.append(i == 0 ? "" : ",").append("{\"value\":").append(i).append(",\"partition\":1}");
			}
			this.http.produce("console-orders", many.toString());
			page.open("#/topics/console-orders/messages?partition=1&from=earliest");
			page.awaitText("#browse-summary", "offsets 0–49");
			page.click("#page-newer");
			page.awaitText("#browse-summary", "offsets 50–99");
			page.driver.navigate().back();
			page.awaitText("#browse-summary", "offsets 0–49");
			assertThat(page.find("#page-older").getAttribute("aria-disabled")).isEqualTo("true");
			page.open("#/topics/console-orders/messages?partition=1&from=offset:70&size=50");
			page.awaitText("#browse-summary", "offsets 70–119");
			page.click("#page-older");
			page.awaitText("#browse-summary", "offsets 20–69");
			page.click("#page-older");
			page.awaitText("#browse-summary", "offsets 0–19");

			// An unknown topic shows the API's code and detail.
			page.open("#/topics/no-such-topic/messages");
			page.awaitText("#alert", "TOPIC_NOT_FOUND");

			// Deleting asks for the topic's name.
			page.open("#/topics/console-orders");
			page.review("topic");
			page.click("#delete-topic");
			page.confirm("console-orders");
			page.until(driver -> driver.getCurrentUrl().endsWith("#/topics"));
			assertThat(this.http.get("/topics/console-orders").status()).isEqualTo(404);
		}
	}

	@Test
	void theLiveTailPausesThroughCredit() {
		// Any timestamp Kafka's window allows, even one no JavaScript Date can hold.
		assertThat(this.http.post("/topics", "{\"name\":\"console-live\",\"config\":"
				+ "{\"message.timestamp.after.max.ms\":9223372036854775807}}").status()).isEqualTo(201);
		try (ConsoleBrowser page = new ConsoleBrowser(this.profile, port())) {
			page.open("#/topics/console-live/live");
			page.select("#tail-cap", "10000");
			page.click("#tail-start");
			page.awaitText("#tail-status", "Live");
			this.http.produce("console-live", "{\"key\":\"k1\",\"value\":{\"n\":1}},{\"key\":\"k2\",\"value\":{\"n\":2}}");
			page.awaitText("#tail-rows", "{\"n\":2}");
			this.http.produce("console-live", "{\"value\":\"far\",\"timestamp\":9000000000000000},"
					+ "{\"valueBytes\":\"3q2+7w==\"}");
			page.awaitText("#tail-rows", "9000000000000000");
			page.awaitText("#tail-rows", "base64:3q2+7w==");
			page.review("live");

			// Paused, the page grants no more credit: of 1,500 records only the 1,000 it had granted back arrive.
			page.click("#tail-pause");
			page.awaitText("#tail-status", "Paused");
			StringBuilder batch = new StringBuilder();
			for (int i = 0; i < 1500; i++) {
				batch.append(i == 0 ? "" : ",").append("{\"value\":").append(i).append('}');
			}
			this.http.produce("console-live", batch.toString());
			page.awaitText("#tail-rate", "1,004 received");
			page.type("#tail-filter", "k1");
			page.awaitText("#tail-rows", "k1");
			assertThat(page.driver.findElements(By.cssSelector("#tail-rows tr"))).hasSize(1);
			await("still paused").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> page.text("#tail-rate").contains("1,004 received"));
			page.click("#tail-pause");
			page.awaitText("#tail-rate", "1,504 received");

			// Pausing and resuming on a quiet topic grants nothing more: the next pause still lets 1,000 through.
			page.click("#tail-pause");
			page.click("#tail-pause");
			page.click("#tail-pause");
			page.awaitText("#tail-status", "Paused");
			this.http.produce("console-live", batch.toString());
			page.awaitText("#tail-rate", "2,504 received");
			await("still paused").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> page.text("#tail-rate").contains("2,504 received"));
		}
	}

	@Test
	void aGroupWithAMemberThroughTheApiAndOneInThePage() {
		assertThat(this.http.post("/topics", "{\"name\":\"console-group-topic\",\"partitions\":4}").status())
			.isEqualTo(201);
		StringBuilder records = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			records.append(i == 0 ? "" : ",").append("{\"value\":").append(i).append(",\"partition\":").append(i % 4)
				.append('}');
		}
		this.http.produce("console-group-topic", records.toString());
		Response joined = this.http.post("/groups/console-group/members",
				"{\"topics\":[\"console-group-topic\"],\"autoOffsetReset\":\"earliest\",\"sessionTimeoutMs\":60000}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		String member = joined.json().get("memberId").asString();
		String poll = "/groups/console-group/members/" + member + "/records?maxRecords=5&generation=";
		AtomicInteger generation = new AtomicInteger(joined.json().get("generation").asInt());
		assertThat(this.http.get(poll + generation).status()).isEqualTo(200);
		assertThat(this.http.post("/groups/console-group/members/" + member + "/commit", "").status()).isEqualTo(200);

		try (ConsoleBrowser page = new ConsoleBrowser(this.profile, port())) {
			page.open("#/groups/console-group");
			page.awaitText("#group-members", "HTTP");
			page.awaitText("#group-offsets", "console-group-topic");
			page.type("#member-topics", "console-group-topic");
			page.click("#member-join");
			page.confirm(null);
			// The HTTP member keeps polling with the generation it last saw, as a live member does, so that what it
			// gives up reaches the page.
			page.until(driver -> {
				generation.set(this.http.get(poll + generation).json().get("generation").asInt());
				return driver.findElement(By.id("member-status")).getText().matches(".*assigned console-group-topic-\\d.*");
			});
			page.awaitText("#group-members", "WebSocket");
			assertThat(page.text("#group-members")).contains("leader").contains(member);
			page.awaitText("#group-offsets", "console-group-topic");
			page.review("group");

			// Empty, the group's offsets may be reset, then the group deleted.
			page.click("#member-leave");
			assertThat(this.http.delete("/groups/console-group/members/" + member).status()).isEqualTo(204);
			page.awaitText("#group-state", "EMPTY");
			page.select("#reset-to", "earliest");
			page.click("#reset-form button[type=submit]");
			page.confirm(null);
			page.until(driver -> this.http.get("/groups/console-group").json().get("offsets").valueStream()
				.allMatch(offset -> offset.get("committedOffset").isNumber() && offset.get("committedOffset").asLong() == 0));
			page.click("#delete-group");
			page.confirm("console-group");
			page.until(driver -> driver.getCurrentUrl().endsWith("#/groups"));
			assertThat(this.http.get("/groups/console-group").status()).isEqualTo(404);
			page.review("groups");

			page.open("#/");
			page.awaitText("#topic-table", "console-group-topic");
			page.find("#overview-charts canvas");
			page.review("overview");
		}
	}

}
