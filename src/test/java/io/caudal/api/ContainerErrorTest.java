package io.caudal.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that Tomcat refuses before the application sees them get the same problem details as every other
 * mistake: sent over a raw socket, since no well-behaved client would send them.
 */
class ContainerErrorTest extends FullStackTest {

	static String[][] malformedRequests() {
		String manyParameters = "a=1&".repeat(20_000);
		return new String[][] { { "bad escape", "GET /topics/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n" },
				{ "escaped NUL", "GET /topics/a%00b HTTP/1.1\r\nHost: localhost\r\n\r\n" },
				{ "escaped backslash", "GET /topics/a%5Cb HTTP/1.1\r\nHost: localhost\r\n\r\n" },
				{ "over-long URL", "GET /topics/" + "u".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n" },
				{ "over-long header",
						"GET /topics HTTP/1.1\r\nHost: localhost\r\nX-Long: " + "h".repeat(20_000) + "\r\n\r\n" },
				{ "too many parameters", "GET /topics/orders/partitions/0/records?" + manyParameters
						+ " HTTP/1.1\r\nHost: localhost\r\n\r\n" },
				{ "bad Host", "GET /topics HTTP/1.1\r\nHost: bad host!\r\n\r\n" },
				{ "bad request line", "GET /topics HTTP/9.9 extra\r\nHost: localhost\r\n\r\n" },
				{ "unknown transfer coding",
						"GET /topics HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n" },
				{ "wildcard content type", "POST /groups/g/members/m/commit HTTP/1.0\r\nHost: localhost\r\n"
						+ "Content-Type: */*\r\nContent-Length: 2\r\n\r\n{}" },
				{ "the console page posted to, accepting XML", "POST / HTTP/1.0\r\nHost: localhost\r\n"
						+ "Accept: application/xml\r\nContent-Length: 0\r\n\r\n" },
				{ "broken form body", "POST /groups/g/members/m/commit HTTP/1.0\r\nHost: localhost\r\n"
						+ "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\n%zz=%%&a=" } };
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedRequests")
	void isAnsweredWithProblemDetails(String name, String request) throws IOException {
		String answer = send(request);
		String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
		String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
		int status = Integer.parseInt(head.substring(9, 12));
		assertThat(status).as(answer).isBetween(400, 499);
		assertThat(head.toLowerCase(Locale.ROOT)).as(answer).contains("content-type: application/problem+json");
		JsonNode problem = TestHttp.parse(body);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(problem.get("detail").asString()).isNotBlank();
	}

	/** Sends raw bytes and reads the answer until the server closes or the body is complete. */
	private String send(String request) throws IOException {
		try (Socket socket = new Socket("localhost", port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request.getBytes(StandardCharsets.ISO_8859_1));
				out.flush();
			}
			catch (IOException ex) {
				// The server may answer and close before it has read everything sent.
			}
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				answer.write(buffer, 0, read);
				if (isComplete(answer.toString(StandardCharsets.ISO_8859_1))) {
					break;
				}
			}
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

	private static boolean isComplete(String answer) {
		int headEnd = answer.indexOf("\r\n\r\n");
		if (headEnd < 0) {
			return false;
		}
		String head = answer.substring(0, headEnd).toLowerCase(Locale.ROOT);
		int lengthAt = head.indexOf("content-length: ");
		if (lengthAt < 0) {
			return false;
		}
		int length = Integer.parseInt(head.substring(lengthAt + 16).split("\r\n")[0].trim());
		return answer.length() - headEnd - 4 >= length;
	}

}
