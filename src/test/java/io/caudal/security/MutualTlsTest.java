package io.caudal.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import io.caudal.support.CaudalServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestCertificates;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS through a Spring Boot SSL bundle, with client certificates: a trusted certificate's subject CN is the
 * principal {@code cert:<CN>}, over HTTPS and as a group member over a secure WebSocket; keys still work beside
 * them.
 */
class MutualTlsTest {

	@TempDir
	static Path dir;

	private static TestCertificates certificates;

	private static Path payments;

	private static Path untrusted;

	private static CaudalServer server;

	@BeforeAll
	static void start() {
		certificates = TestCertificates.create(dir);
		payments = certificates.client("payments", "payments service, ops@example.com", true);
		untrusted = certificates.client("stranger", "stranger", false);
		String store = TestCertificates.PASSWORD;
		server = CaudalServer.start(dir.resolve("data"), "caudal.security.enabled=true",
				"caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY, "server.ssl.bundle=caudal",
				"server.ssl.client-auth=want",
				"spring.ssl.bundle.jks.caudal.keystore.location=file:" + certificates.serverKeyStore(),
				"spring.ssl.bundle.jks.caudal.keystore.password=" + store,
				"spring.ssl.bundle.jks.caudal.keystore.type=PKCS12",
				"spring.ssl.bundle.jks.caudal.truststore.location=file:" + certificates.serverTrustStore(),
				"spring.ssl.bundle.jks.caudal.truststore.password=" + store,
				"spring.ssl.bundle.jks.caudal.truststore.type=PKCS12");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void aTrustedClientCertificateIsTheCertPrincipalOfItsCn() throws Exception {
		HttpResponse<String> session = get(payments, "/session", null);
		assertThat(session.statusCode()).isEqualTo(200);
		assertThat(TestHttp.parse(session.body()).get("principal").asString())
			.isEqualTo("cert:payments service, ops@example.com");
		assertThat(post(null, "/topics", "{\"name\":\"tls-orders\"}", SecuredStackTest.ADMIN_KEY).statusCode())
			.isEqualTo(201);
		assertThat(post(payments, "/topics/tls-orders/records", "{\"records\":[{\"value\":1}]}", null).statusCode())
			.isEqualTo(403);
		assertThat(post(null, "/acls", "{\"resourceType\":\"TOPIC\",\"resourceName\":\"tls-\",\"patternType\":"
				+ "\"PREFIXED\",\"principal\":\"cert:payments service, ops@example.com\",\"operation\":\"ALL\"}",
				SecuredStackTest.ADMIN_KEY).statusCode()).isEqualTo(201);
		assertThat(post(payments, "/topics/tls-orders/records", "{\"records\":[{\"value\":1}]}", null).statusCode())
			.isEqualTo(200);
		assertThat(post(null, "/acls", "{\"resourceType\":\"GROUP\",\"resourceName\":\"tls-group\",\"principal\":"
				+ "\"cert:payments service, ops@example.com\",\"operation\":\"READ\"}", SecuredStackTest.ADMIN_KEY)
			.statusCode()).isEqualTo(201);
		assertThat(joinOverWebSocket(payments, "/ws/groups/tls-group?topics=tls-orders"))
			.contains("\"type\":\"joined\"");
	}

	@Test
	void withoutACertificateAKeyStillIdentifiesAndNothingElseDoes() throws Exception {
		assertThat(get(null, "/session", null).statusCode()).isEqualTo(401);
		HttpResponse<String> admin = get(null, "/session", SecuredStackTest.ADMIN_KEY);
		assertThat(TestHttp.parse(admin.body()).get("principal").asString()).isEqualTo("key:admin");
	}

	@Test
	void theSessionCookieIsSecureUnderTls() throws Exception {
		HttpResponse<String> opened = post(null, "/session", "", SecuredStackTest.ADMIN_KEY);
		assertThat(opened.statusCode()).isEqualTo(204);
		assertThat(opened.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
			.startsWith("CAUDAL_SESSION=")
			.containsIgnoringCase("; Secure")
			.containsIgnoringCase("HttpOnly")
			.containsIgnoringCase("SameSite=Strict"));
	}

	/** The server asks only for certificates of issuers it trusts, so the client presents none: no identity. */
	@Test
	void anUntrustedCertificateIdentifiesNoOne() throws Exception {
		HttpResponse<String> answer = get(untrusted, "/session", null);
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(TestHttp.parse(answer.body()).get("code").asString()).isEqualTo("UNAUTHENTICATED");
	}

	private static HttpResponse<String> get(Path client, String path, String key) throws Exception {
		return send(client, key, HttpRequest.newBuilder(uri("https", path)).GET());
	}

	private static HttpResponse<String> post(Path client, String path, String body, String key) throws Exception {
		return send(client, key, HttpRequest.newBuilder(uri("https", path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private static HttpResponse<String> send(Path client, String key, HttpRequest.Builder request) throws Exception {
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return http(client).send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String joinOverWebSocket(Path client, String path) throws Exception {
		CompletableFuture<String> first = new CompletableFuture<>();
		WebSocket socket = http(client).newWebSocketBuilder()
			.buildAsync(uri("wss", path), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					first.complete(data.toString());
					return null;
				}
			})
			.get(10, TimeUnit.SECONDS);
		try {
			return first.get(10, TimeUnit.SECONDS);
		}
		finally {
			socket.abort();
		}
	}

	private static HttpClient http(Path client) {
		SSLContext context = certificates.clientContext(client);
		return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
	}

	private static URI uri(String scheme, String path) {
		return URI.create(scheme + "://localhost:" + server.port() + path);
	}

}
