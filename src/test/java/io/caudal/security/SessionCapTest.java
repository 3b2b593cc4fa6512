package io.caudal.security;

import java.nio.file.Path;

import io.caudal.support.CaudalServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Browser sessions are memory until they time out, and any identity may open them: the server caps them. */
class SessionCapTest {

	@Test
	void pastTheCapAnotherSessionIs429(@TempDir Path dir) {
		try (CaudalServer server = CaudalServer.start(dir.resolve("data"), "caudal.security.enabled=true",
				"caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY, "caudal.security.max-sessions=2")) {
			TestHttp admin = server.http().bearer(SecuredStackTest.ADMIN_KEY);
			for (int i = 0; i < 5; i++) {
				assertThat(admin.get("/topics").headers().allValues("Set-Cookie")).as("a bearer call makes no session")
					.noneMatch(cookie -> cookie.startsWith("CAUDAL_SESSION="));
			}
			assertThat(admin.post("/session", "").status()).isEqualTo(204);
			assertThat(admin.post("/session", "").status()).isEqualTo(204);
			TestHttp.Response refused = admin.post("/session", "");
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.json().get("code").asString()).isEqualTo("RESOURCE_LIMIT");
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
			assertThat(admin.get("/topics").status()).as("bearer calls need no session").isEqualTo(200);
		}
	}

}
