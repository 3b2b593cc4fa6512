package io.caudal.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.springframework.web.socket.CloseStatus;

/**
 * The write side of one socket, as this package uses it. Writing a text frame never blocks: the
 * frame is handed over and its completion reported later. {@link Outbound} sees to it that at
 * most one frame or ping is being written at a time.
 */
interface SocketTransport {

	/**
	 * Starts writing one text frame and returns without waiting for the client.
	 * @param utf8 the frame's text, valid UTF-8, from position to limit; unchanged until {@code written} runs
	 * @param written runs exactly once: with null when the frame is written, or with the failure; it
	 * may run before this method returns, on the calling thread, or later on another thread
	 */
	void sendText(ByteBuffer utf8, Consumer<Throwable> written);

	/**
	 * Writes an empty ping frame. The one write that may block: only while the client does not read,
	 * and for at most the send time limit, after which the socket is closed.
	 * @throws IOException if the ping cannot be written
	 */
	void sendPing() throws IOException;

	/** Closes the socket with the status, if it is not closed already. Never throws. */
	void close(CloseStatus status);

}
