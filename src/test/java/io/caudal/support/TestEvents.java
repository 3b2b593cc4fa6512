package io.caudal.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * A real Server-Sent Events client over the JDK's HTTP client: it reads the stream on its own thread and parses it
 * as the HTML standard does (fields {@code event}, {@code data}, {@code id}; comments; a blank line dispatches),
 * keeping the last event id as {@code EventSource} does.
 */
public final class TestEvents implements AutoCloseable {

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final InputStream body;

	private final Thread reader;

	private final int status;

	private volatile String lastEventId;

	private volatile boolean ended;

	private TestEvents(HttpResponse<InputStream> response) {
		this.status = response.statusCode();
		this.body = response.body();
		this.reader = new Thread(this::read, "test-sse-reader");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** Connects to {@code path}, sending {@code lastEventId} when not null. */
	public static TestEvents open(int port, String path, String lastEventId) {
		return open(port, path, lastEventId, Map.of());
	}

	/** Connects to {@code path} with extra request headers (Authorization, Cookie, ...). */
	public static TestEvents open(int port, String path, String lastEventId, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Accept", "text/event-stream");
		headers.forEach(request::header);
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		try {
			return new TestEvents(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public int status() {
		return this.status;
	}

	/** The id of the last block that carried one, as {@code EventSource} keeps it for a reconnect. */
	public String lastEventId() {
		return this.lastEventId;
	}

	/** Whether the server ended the stream. */
	public boolean ended() {
		return this.ended;
	}

	/** The next event, waiting up to {@code timeout}; fails the test if none comes. */
	public Event next(Duration timeout) {
		try {
			Event event = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (event == null) {
				throw new AssertionError("No event within " + timeout);
			}
			return event;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** The records of the next {@code records} events until {@code count} have come; other events fail the test. */
	public List<JsonNode> records(int count, Duration timeout) {
		List<JsonNode> records = new ArrayList<>();
		while (records.size() < count) {
			Event event = next(timeout);
			if (!event.type().equals("records")) {
				throw new AssertionError("Expected records, got " + event);
			}
			event.json().get("records").forEach(records::add);
		}
		return records;
	}

	/** Events that came and were not taken yet. */
	public List<Event> pending() {
		List<Event> pending = new ArrayList<>();
		this.events.drainTo(pending);
		return pending;
	}

	@Override
	public void close() {
		try {
			this.body.close();
		}
		catch (IOException ex) {
			// The stream is going away either way.
		}
		this.reader.interrupt();
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
			String type = "message";
			StringBuilder data = null;
			String id = null;
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.isEmpty()) {
					if (id != null) {
						this.lastEventId = id;
					}
					if (data != null) {
						this.events.add(new Event(type, data.toString(), this.lastEventId));
					}
					type = "message";
					data = null;
					id = null;
				}
				else if (!line.startsWith(":")) {
					int colon = line.indexOf(':');
					String field = (colon < 0) ? line : line.substring(0, colon);
					String value = (colon < 0) ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
					switch (field) {
						case "event" -> type = value;
						case "data" -> data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
						case "id" -> id = value;
						default -> {
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// Closed by the test.
		}
		this.ended = true;
	}

	/**
	 * One dispatched event.
	 * @param type its {@code event} field, {@code message} by default
	 * @param data its {@code data}
	 * @param lastEventId the stream's last event id once it was dispatched
	 */
	public record Event(String type, String data, String lastEventId) {

		public JsonNode json() {
			return TestHttp.parse(this.data);
		}

	}

}
