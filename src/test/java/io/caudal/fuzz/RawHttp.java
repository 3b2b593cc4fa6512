package io.caudal.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given, so a fuzzer can send what no well-behaved client
 * library would: bad escapes, odd methods, broken bodies. One request per connection.
 */
final class RawHttp {

	private RawHttp() {
	}

	/** An answer: its status, content type (lower case, or "") and body. */
	record Answer(int status, String contentType, String body) {
	}

	/**
	 * Sends {@code head} (request line and headers, without the blank line) and {@code body}, adding
	 * {@code Host}, {@code Content-Length} and {@code Connection: close}.
	 * @throws IOException if the connection fails or the answer is not HTTP
	 */
	static Answer send(int port, String head, byte[] body) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("localhost", port), 5000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			String request = head + "\r\nHost: localhost:" + port + "\r\nContent-Length: " + body.length
					+ "\r\nConnection: close\r\n\r\n";
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.write(body);
			out.flush();
			return read(socket.getInputStream());
		}
	}

	private static Answer read(InputStream in) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		in.transferTo(all);
		String text = all.toString(StandardCharsets.ISO_8859_1);
		int headEnd = text.indexOf("\r\n\r\n");
		if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
			throw new IOException("Not an HTTP answer: " + text.substring(0, Math.min(200, text.length())));
		}
		String[] lines = text.substring(0, headEnd).split("\r\n");
		int status = Integer.parseInt(lines[0].substring(9, 12));
		String contentType = "";
		boolean chunked = false;
		for (String line : lines) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-type:")) {
				contentType = lower.substring(13).trim();
			}
			if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		String body = text.substring(headEnd + 4);
		String decoded = chunked ? unchunk(body) : body;
		return new Answer(status, contentType,
				new String(decoded.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
	}

	private static String unchunk(String chunked) {
		StringBuilder body = new StringBuilder();
		int position = 0;
		while (position < chunked.length()) {
			int lineEnd = chunked.indexOf("\r\n", position);
			if (lineEnd < 0) {
				break;
			}
			int size = Integer.parseInt(chunked.substring(position, lineEnd).split(";")[0].trim(), 16);
			if (size == 0) {
				break;
			}
			body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
			position = lineEnd + 2 + size + 2;
		}
		return body.toString();
	}

}
