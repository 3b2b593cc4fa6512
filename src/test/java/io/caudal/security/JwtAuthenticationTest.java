package io.caudal.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT bearer tokens through Spring Security's resource server, signed here with a key whose JWK set this test
 * serves itself; nothing is downloaded.
 */
class JwtAuthenticationTest extends SecuredStackTest {

	private static final RSAKey SIGNING = generate();

	private static final RSAKey STRANGER = generate();

	private static final HttpServer JWKS = serve(new JWKSet(SIGNING.toPublicJWK()));

	@DynamicPropertySource
	static void resourceServer(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
				() -> "http://localhost:" + JWKS.getAddress().getPort() + "/jwks");
		registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> "caudal");
	}

	@Test
	void aTokenNamesAJwtPrincipalThatAclsGrantRightsTo() {
		TestHttp ana = this.anonymous.bearer(token(SIGNING, "ana@example.com", "caudal", 300));
		assertThat(ana.get("/session").json().get("principal").asString()).isEqualTo("jwt:ana@example.com");
		assertThat(this.admin.post("/topics", "{\"name\":\"jwt-orders\"}").status()).isEqualTo(201);
		assertThat(ana.post("/topics/jwt-orders/records", "{\"records\":[{\"value\":1}]}").status()).isEqualTo(403);
		grant("jwt:ana@example.com", "WRITE", "TOPIC", "PREFIXED", "jwt-");
		assertThat(ana.post("/topics/jwt-orders/records", "{\"records\":[{\"value\":1}]}").status()).isEqualTo(200);
	}

	@Test
	void aTokenWhoseSubjectIsAdminIsNotTheAdmin() {
		TestHttp impostor = this.anonymous.bearer(token(SIGNING, "admin", "caudal", 300));
		assertThat(impostor.get("/session").json().get("principal").asString()).isEqualTo("jwt:admin");
		assertThat(impostor.post("/topics", "{\"name\":\"jwt-impostor\"}").status()).isEqualTo(403);
		assertThat(impostor.get("/acls").status()).isEqualTo(403);
	}

	@Test
	void aTokenForAnotherAudienceExpiredOrSignedByAStrangerIs401() {
		for (String token : List.of(token(SIGNING, "ana@example.com", "elsewhere", 300),
				token(SIGNING, "ana@example.com", "caudal", -120), token(STRANGER, "ana@example.com", "caudal", 300))) {
			TestHttp.Response answer = this.anonymous.bearer(token).get("/session");
			assertThat(answer.status()).isEqualTo(401);
			assertThat(answer.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
			assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
		}
	}

	@Test
	void keysAndTokensWorkSideBySide() {
		String key = newKey("jwt-neighbour");
		assertThat(this.anonymous.bearer(key).get("/session").json().get("principal").asString())
			.isEqualTo("key:jwt-neighbour");
		assertThat(this.anonymous.bearer(token(SIGNING, "jwt-neighbour", "caudal", 300)).get("/session").json()
			.get("principal").asString()).isEqualTo("jwt:jwt-neighbour");
	}

	@Test
	void aWebSocketGroupMemberJoinsWithAToken() {
		assertThat(this.admin.post("/topics", "{\"name\":\"jwt-socket\"}").status()).isEqualTo(201);
		grant("jwt:svc-7", "READ", "TOPIC", "LITERAL", "jwt-socket");
		grant("jwt:svc-7", "READ", "GROUP", "LITERAL", "jwt-socket-group");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/groups/jwt-socket-group?topics=jwt-socket",
				Map.of("Authorization", "Bearer " + token(SIGNING, "svc-7", "caudal", 300)))) {
			assertThat(socket.awaitLast("joined", message -> true).get("memberId").asString()).isNotEmpty();
		}
	}

	@Test
	void whatAnExpiringTokenOpenedEndsWhenItExpires() {
		assertThat(this.admin.post("/topics", "{\"name\":\"jwt-expiring\"}").status()).isEqualTo(201);
		grant("jwt:short-lived", "READ", "TOPIC", "LITERAL", "jwt-expiring");
		String token = token(SIGNING, "short-lived", "caudal", 3);
		TestHttp.Response opened = this.anonymous.bearer(token).post("/session", "");
		String cookie = opened.headers().allValues("Set-Cookie").stream()
			.filter(header -> header.startsWith("CAUDAL_SESSION="))
			.map(header -> header.substring(0, header.indexOf(';')))
			.findFirst()
			.orElseThrow();
		HttpRequest.Builder describe = HttpRequest.newBuilder(this.anonymous.uri("/session")).header("Cookie", cookie);
		assertThat(this.anonymous.send(describe).status()).isEqualTo(200);
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/jwt-expiring",
				Map.of("Authorization", "Bearer " + token))) {
			TestSocket.Closed closed = socket.awaitClose();
			assertThat(closed.code()).isEqualTo(1008);
			assertThat(socket.errors()).last()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("UNAUTHENTICATED"));
		}
		assertThat(this.anonymous.send(describe).status()).isEqualTo(401);
	}

	/** A token for an audience, expiring {@code seconds} from now (in the past when negative, beyond clock skew). */
	static String token(RSAKey key, String subject, String audience, long seconds) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.audience(audience)
			.issueTime(Date.from(now.minusSeconds(Math.max(0, -seconds) + 60)))
			.expirationTime(Date.from(now.plusSeconds(seconds)))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer serve(JWKSet keys) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
			byte[] body = keys.toString().getBytes(StandardCharsets.UTF_8);
			server.createContext("/jwks", exchange -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
