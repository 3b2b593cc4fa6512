package io.caudal.security;

import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key works the moment its creation is answered, and stops working the moment its revocation is answered, even
 * while the node takes in other nodes' changes: the reload that {@link SecurityChanges} runs every sync interval is
 * run here without pause, so that it overlaps the changes. Before, a reload reading the keys while a creation was
 * still uncommitted forgot the new key until the next interval (the cause of a 401 seen once in CI), and one racing
 * a revocation brought the revoked key back.
 */
class KeyChangeRaceTest extends SecuredStackTest {

	@Autowired
	private ApiKeys keys;

	@Test
	void aKeyIsUsableOnceMadeAndDeadOnceRevokedWhileReloadsRun() throws InterruptedException {
		newKey("racer");
		AtomicBoolean running = new AtomicBoolean(true);
		Thread reloads = new Thread(() -> {
			while (running.get()) {
				this.keys.reload(new SecurityChanges.Reload());
			}
		}, "reloads");
		reloads.start();
		try {
			for (int i = 0; i < 100; i++) {
				TestHttp.Response made = this.admin.post("/principals/racer/keys", "");
				assertThat(made.status()).as(made.text()).isEqualTo(201);
				String key = made.json().get("key").asString();
				String id = made.json().get("id").asString();
				TestHttp racer = this.anonymous.bearer(key);
				assertThat(racer.get("/principals/racer/keys").status()).as("the new key, try %d", i).isNotEqualTo(401);
				assertThat(this.admin.delete("/principals/racer/keys/" + id).status()).isEqualTo(204);
				assertThat(racer.get("/principals/racer/keys").status()).as("the revoked key, try %d", i).isEqualTo(401);
			}
		}
		finally {
			running.set(false);
			reloads.join();
		}
	}

}
