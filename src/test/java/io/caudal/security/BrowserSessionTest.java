package io.caudal.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.caudal.sse.EventStreams;
import io.caudal.support.Chromium;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page in a real browser (Debian's headless Chromium) signs in with an API key and then uses nothing but the
 * session cookie the browser keeps for it: REST reads, writes that must carry the CSRF token, a WebSocket and an
 * EventSource, which reconnects with the cookie and its {@code Last-Event-ID} when the server ends its stream.
 * Skipped only where the browser is not installed, and never under {@code CI=true}.
 */
class BrowserSessionTest extends SecuredStackTest {

	private static final String TOPIC = "browser-session-topic";

	private static final String PRINCIPAL = "browser-session";

	/** Runs an async script: its last argument is the callback, and a failure comes back as {@code {error}}. */
	private static final String ASYNC = "const done = arguments[arguments.length - 1];\n"
			+ "(async () => {\n%s\n})().then(done, e => done({ error: String(e) }));";

	/** What the page's fetch answered: status, content type and body text. */
	private static final String ANSWER = "return { status: r.status, type: r.headers.get('Content-Type') || '', "
			+ "body: await r.text() };";

	@TempDir
	Path profile;

	@Autowired
	EventStreams eventStreams;

	@Test
	void aPageSignsInWithAKeyAndThenItsCookieServesRestSocketsAndEventSource() {
		Chromium.require();
		TestHttp.Response created = this.admin.post("/topics", "{\"name\":\"" + TOPIC + "\"}");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		String key = newKey(PRINCIPAL);
		grant("key:" + PRINCIPAL, "READ", "TOPIC", "LITERAL", TOPIC);
		grant("key:" + PRINCIPAL, "WRITE", "TOPIC", "LITERAL", TOPIC);

		try (Chromium.Browser opened = Chromium.open(this.profile)) {
			WebDriver browser = opened.driver();
			browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
			JavascriptExecutor page = (JavascriptExecutor) browser;
			// The console is public; every call below is same-origin with it, so the SameSite=Strict cookie goes along.
			browser.get("http://localhost:" + port() + "/");
			wait.until(driver -> "complete".equals(page.executeScript("return document.readyState")));

			// (1) Sign in: the key is sent once, as a bearer token; the browser keeps the cookies.
			Map<String, Object> signIn = async(page, "const r = await fetch('/session', { method: 'POST', "
					+ "headers: { Authorization: 'Bearer ' + arguments[0] } });\n"
					+ "return { status: r.status, cookies: document.cookie };", key);
			assertThat(signIn.get("status")).as(signIn.toString()).isEqualTo(204L);
			assertThat((String) signIn.get("cookies")).as("the cookies scripts can read")
				.contains("XSRF-TOKEN=")
				.doesNotContain("CAUDAL_SESSION");
			Cookie session = browser.manage().getCookieNamed("CAUDAL_SESSION");
			assertThat(session).as("the session cookie the browser keeps").isNotNull();
			assertThat(session.isHttpOnly()).isTrue();
			assertThat(session.getSameSite()).isEqualTo("Strict");
			assertThat(browser.manage().getCookieNamed("XSRF-TOKEN").isHttpOnly()).isFalse();

			// (2) No Authorization header from now on: the cookie is the identity, and without it there is none.
			Map<String, Object> whoAmI = fetch(page, "'/session'");
			assertThat(whoAmI.get("status")).as(whoAmI.toString()).isEqualTo(200L);
			assertThat(TestHttp.parse((String) whoAmI.get("body")).get("principal").asString())
				.isEqualTo("key:" + PRINCIPAL);
			Map<String, Object> described = fetch(page, "'/topics/" + TOPIC + "'");
			assertThat(described.get("status")).as(described.toString()).isEqualTo(200L);
			Map<String, Object> withoutCookie = fetch(page, "'/topics/" + TOPIC + "', { credentials: 'omit' }");
			assertThat(withoutCookie.get("status")).as(withoutCookie.toString()).isEqualTo(401L);

			// (3) A write the cookie alone authenticates is what a forged cross-site request looks like: refused.
			Map<String, Object> forged = produce(page, 1, false);
			assertThat(forged.get("status")).as(forged.toString()).isEqualTo(403L);
			assertThat((String) forged.get("type")).startsWith("application/problem+json");
			assertThat(TestHttp.parse((String) forged.get("body")).get("code").asString())
				.isEqualTo("NOT_AUTHORIZED");
			Map<String, Object> written = produce(page, 1, true);
			assertThat(written.get("status")).as(written.toString()).isEqualTo(200L);

			// (4) The socket's handshake carries the cookie. What the page receives goes to an object of the test's
			// own, beside the console's globals.
			page.executeScript("""
					const seen = window.sessionTest = { messages: [], closed: null };
					seen.socket = new WebSocket('ws://localhost:' + arguments[0] + '/ws/topics/' + arguments[1]
						+ '?from=earliest');
					seen.socket.onmessage = event => seen.messages.push(JSON.parse(event.data));
					seen.socket.onclose = event => seen.closed = { code: event.code, reason: event.reason };
					""", port(), TOPIC);
			String socketRecords = "messages.filter(m => m.type === 'records').flatMap(m => m.records)";
			wait.until(driver -> !list(page, socketRecords).isEmpty() || seen(page, "closed") != null);
			assertThat(seen(page, "closed")).as("how the socket closed").isNull();
			assertThat(list(page, socketRecords + ".map(r => r.value)")).containsExactly(1L);
			page.executeScript("window.sessionTest.socket.close()");

			// (5) EventSource carries the cookie too, and again when it reconnects.
			page.executeScript("""
					const seen = window.sessionTest = { values: [], opens: 0, errors: [] };
					const stream = seen.stream = new EventSource('/topics/' + arguments[0] + '/events?from=earliest');
					stream.onopen = () => seen.opens++;
					stream.addEventListener('records',
						event => JSON.parse(event.data).records.forEach(r => seen.values.push(r.value)));
					stream.onerror = () => seen.errors.push(stream.readyState);
					""", TOPIC);
			wait.until(driver -> !list(page, "values").isEmpty());
			assertThat(list(page, "values")).containsExactly(1L);
			assertThat(seen(page, "opens")).isEqualTo(1L);

			// The server ends every stream, as before a shutdown; the page reconnects on its own, after its retry
			// delay, with the cookie (or it would get a 401 and give up) and its Last-Event-ID (or from=earliest
			// would deliver the first record again).
			this.eventStreams.stop();
			this.eventStreams.start();
			wait.until(driver -> (Long) seen(page, "opens") >= 2L || (Long) seen(page, "stream.readyState") == 2L);
			assertThat(seen(page, "opens")).as("opens; readyState at each error: %s", seen(page, "errors"))
				.isEqualTo(2L);
			assertThat(list(page, "errors")).as("readyState at each error: one end of stream, then reconnecting")
				.containsExactly(0L);
			assertThat(seen(page, "stream.readyState")).isEqualTo(1L);
			Map<String, Object> second = produce(page, 2, true);
			assertThat(second.get("status")).as(second.toString()).isEqualTo(200L);
			wait.until(driver -> list(page, "values").size() >= 2);
			assertThat(list(page, "values")).containsExactly(1L, 2L);
			page.executeScript("window.sessionTest.stream.close()");

			// Signing out ends what the cookie could do.
			Map<String, Object> signOut = async(page, """
					const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).substring(11);
					const r = await fetch('/session', { method: 'DELETE', headers: { 'X-XSRF-TOKEN': token } });
					return { status: r.status };""");
			assertThat(signOut.get("status")).as(signOut.toString()).isEqualTo(204L);
			Map<String, Object> signedOut = fetch(page, "'/topics/" + TOPIC + "'");
			assertThat(signedOut.get("status")).as(signedOut.toString()).isEqualTo(401L);
		}
	}

	/** The page produces one record of {@code value}, with the CSRF token read from its cookie or without it. */
	private static Map<String, Object> produce(JavascriptExecutor page, int value, boolean withToken) {
		return async(page, """
				const headers = { 'Content-Type': 'application/json' };
				if (arguments[2]) {
					const cookie = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
					headers['X-XSRF-TOKEN'] = decodeURIComponent(cookie.substring('XSRF-TOKEN='.length));
				}
				const r = await fetch('/topics/' + arguments[0] + '/records', { method: 'POST', headers,
					body: JSON.stringify({ records: [ { value: arguments[1] } ] }) });
				""" + ANSWER, TOPIC, value, withToken);
	}

	/** {@code fetch(arguments)} on the page, with no header of the test's own. */
	private static Map<String, Object> fetch(JavascriptExecutor page, String arguments) {
		return async(page, "const r = await fetch(" + arguments + ");\n" + ANSWER);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> async(JavascriptExecutor page, String body, Object... arguments) {
		Object answer = page.executeAsyncScript(ASYNC.formatted(body), arguments);
		assertThat(answer).isInstanceOf(Map.class);
		Map<String, Object> result = (Map<String, Object>) answer;
		assertThat(result).as("the page's script failed").doesNotContainKey("error");
		return result;
	}

	/** A value of the page's {@code window.sessionTest}, what its socket or stream received. */
	private static Object seen(JavascriptExecutor page, String expression) {
		return page.executeScript("return window.sessionTest." + expression);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(JavascriptExecutor page, String expression) {
		return (List<Object>) seen(page, expression);
	}

}
