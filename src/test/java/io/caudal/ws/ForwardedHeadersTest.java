package io.caudal.ws;

import java.util.Map;
import java.util.concurrent.CompletionException;

import io.caudal.support.FullStackTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Caudal behind a reverse proxy that terminates TLS for {@code https://caudal.example}: with
 * {@code server.forward-headers-strategy=native}, the proxy's {@code X-Forwarded-*} headers (trusted from loopback
 * and private addresses only, Tomcat's default) make a page served through it the socket's same origin.
 */
@TestPropertySource(properties = "server.forward-headers-strategy=native")
class ForwardedHeadersTest extends FullStackTest {

	private static final String ORIGIN = "https://caudal.example";

	@Test
	void aPageOfTheProxysOriginOpensASocket() {
		assertThat(this.http.post("/topics", "{\"name\":\"behind-proxy\"}").status()).isEqualTo(201);
		Map<String, String> forwarded = Map.of("Origin", ORIGIN, "X-Forwarded-Proto", "https", "X-Forwarded-Host",
				"caudal.example", "X-Forwarded-Port", "443");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/behind-proxy?from=earliest", forwarded)) {
			assertThat(this.http.post("/topics/behind-proxy/records", "{\"records\":[{\"value\":1}]}").status())
				.isEqualTo(200);
			assertThat(socket.awaitRecords(1)).hasSize(1);
		}
		assertThatThrownBy(() -> TestSocket.fromOrigin(port(), "/ws/topics/behind-proxy", ORIGIN))
			.as("the same page without the proxy's headers is another origin")
			.isInstanceOf(CompletionException.class)
			.rootCause()
			.hasMessageContaining("403");
	}

}
