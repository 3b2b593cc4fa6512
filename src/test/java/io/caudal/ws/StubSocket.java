package io.caudal.ws;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A socket with no network behind it, in the spirit of Netty's {@code EmbeddedChannel}: the session
 * a handler is given and the transport it writes to, recording every frame written, every ping and
 * the close. Writes complete at once unless {@link #holdWrites() held}, which plays a client that
 * stopped reading. Thread-safe.
 */
final class StubSocket implements WebSocketSession, SocketTransport {

	private final String id;

	private final URI uri;

	private final Map<String, Object> attributes = new HashMap<>();

	private final List<String> written = new ArrayList<>();

	private final Deque<Consumer<Throwable>> pending = new ArrayDeque<>();

	private boolean holding;

	private int pings;

	private CloseStatus closeStatus;

	private Error recordsFrameFailure;

	StubSocket(String id, String pathAndQuery) {
		this.id = id;
		this.uri = URI.create("ws://localhost" + pathAndQuery);
	}

	/** From now on handing a {@code records} frame to this socket throws {@code failure}, on the pump's thread. */
	synchronized void failRecordsFramesWith(Error failure) {
		this.recordsFrameFailure = failure;
	}

	/** From now on frames stay in flight until {@link #releaseWrites()}. */
	synchronized void holdWrites() {
		this.holding = true;
	}

	/** Completes the frames in flight and lets later ones complete at once. */
	void releaseWrites() {
		while (true) {
			Consumer<Throwable> next;
			synchronized (this) {
				this.holding = false;
				next = this.pending.poll();
			}
			if (next == null) {
				return;
			}
			next.accept(null);
		}
	}

	/** The frames handed to the transport so far, parsed, held ones included. */
	synchronized List<JsonNode> frames() {
		return this.written.stream().map(TestHttp::parse).toList();
	}

	/** The records of every {@code records} frame so far. */
	List<JsonNode> records() {
		List<JsonNode> records = new ArrayList<>();
		for (JsonNode frame : frames()) {
			if (frame.get("type").asString().equals("records")) {
				frame.get("records").forEach(records::add);
			}
		}
		return records;
	}

	synchronized int framesInFlight() {
		return this.pending.size();
	}

	synchronized int pings() {
		return this.pings;
	}

	synchronized CloseStatus closeStatus() {
		return this.closeStatus;
	}

	@Override
	public void sendText(ByteBuffer utf8, Consumer<Throwable> whenWritten) {
		synchronized (this) {
			String frame = StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
			if (this.recordsFrameFailure != null && TestHttp.parse(frame).get("type").asString().equals("records")) {
				throw this.recordsFrameFailure;
			}
			this.written.add(frame);
			if (this.holding) {
				this.pending.add(whenWritten);
				return;
			}
		}
		whenWritten.accept(null);
	}

	@Override
	public synchronized void sendPing() {
		this.pings++;
	}

	@Override
	public synchronized void close(CloseStatus status) {
		if (this.closeStatus == null) {
			this.closeStatus = status;
		}
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public URI getUri() {
		return this.uri;
	}

	@Override
	public HttpHeaders getHandshakeHeaders() {
		return new HttpHeaders();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public Principal getPrincipal() {
		return null;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return null;
	}

	@Override
	public InetSocketAddress getRemoteAddress() {
		return null;
	}

	@Override
	public String getAcceptedProtocol() {
		return null;
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getTextMessageSizeLimit() {
		return Integer.MAX_VALUE;
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getBinaryMessageSizeLimit() {
		return Integer.MAX_VALUE;
	}

	@Override
	public List<WebSocketExtension> getExtensions() {
		return List.of();
	}

	/** Handlers write through {@link SocketTransport}; a frame sent here would be a bug. */
	@Override
	public void sendMessage(WebSocketMessage<?> message) {
		throw new UnsupportedOperationException("Frames go through SocketTransport.sendText");
	}

	@Override
	public synchronized boolean isOpen() {
		return this.closeStatus == null;
	}

	@Override
	public void close() {
		close(CloseStatus.NORMAL);
	}

}
