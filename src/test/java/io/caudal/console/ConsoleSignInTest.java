package io.caudal.console;

import java.nio.file.Path;

import io.caudal.support.SecuredStackTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console with security on, in a real browser: it asks to sign in, signs in with an API key (the session cookie
 * does the rest), offers only what the principal may do, and shows a refused action's 403 clearly.
 */
class ConsoleSignInTest extends SecuredStackTest {

	@TempDir
	Path profile;

	@Test
	void signInSeeOnlyWhatIsAllowedAndBeToldWhatIsNot() {
		assertThat(this.admin.post("/topics", "{\"name\":\"console-secured\"}").status()).isEqualTo(201);
		String key = newKey("console-viewer");
		grant("key:console-viewer", "READ", "TOPIC", "LITERAL", "console-secured");

		try (ConsoleBrowser page = new ConsoleBrowser(this.profile, port())) {
			page.open("#/topics/console-secured");
			page.until(driver -> driver.getCurrentUrl().contains("#/signin"));
			page.find("#signin-secret");
			page.review("signin");
			page.type("#signin-secret", key);
			page.click("#signin-form button[type=submit]");
			page.awaitText("#identity", "Signed in as key:console-viewer");
			page.until(driver -> driver.getCurrentUrl().endsWith("#/topics/console-secured"));

			page.awaitText("#partitions", "1 partitions");
			page.find("#delete-topic");
			assertThat(page.find("#delete-topic").isEnabled()).as("delete needs DELETE").isFalse();
			assertThat(page.find("#grow-form button").isEnabled()).as("grow needs ALTER").isFalse();
			assertThat(page.find("#config-form button[type=submit]").isEnabled()).as("settings need ALTER_CONFIGS")
				.isFalse();
			page.open("#/topics/console-secured/produce");
			page.awaitText("#produce-form", "Producing needs WRITE on the topic.");
			assertThat(page.find("#produce-form button[type=submit]").isEnabled()).isFalse();

			page.open("#/topics");
			page.type("#new-topic-name", "console-forbidden");
			page.click("#create-topic button[type=submit]");
			page.awaitText("#alert", "Not allowed — NOT_AUTHORIZED");
			assertThat(page.text("#alert")).contains("console-forbidden");
			assertThat(this.admin.get("/topics/console-forbidden").status()).isEqualTo(404);

			page.click("#sign-out");
			page.until(driver -> driver.getCurrentUrl().contains("#/signin"));
			page.awaitText("#identity", "Not signed in");
		}
	}

}
