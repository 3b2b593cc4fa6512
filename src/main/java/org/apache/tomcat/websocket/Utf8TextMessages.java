package org.apache.tomcat.websocket;

import java.nio.ByteBuffer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;

/**
 * Sends a WebSocket text message whose payload is already UTF-8, which the Jakarta WebSocket API cannot do: its
 * text methods take a {@code String} and Tomcat encodes it again in 8 KiB fragments. Caudal writes record frames as
 * bytes copied from storage, so this hands them to Tomcat's message writer as one frame, exactly as Tomcat itself
 * sends a binary message but with the text opcode.
 * <p>
 * It lives in Tomcat's package because that writer is package-private; it is the only class that relies on Tomcat
 * internals, and it declines (returns false) for any other container or Tomcat version that lacks them, so the
 * caller falls back to the standard API.
 */
public final class Utf8TextMessages {

	private Utf8TextMessages() {
	}

	/**
	 * Starts sending {@code utf8} as one text message.
	 * @param utf8 valid UTF-8, from position to limit; not copied, so keep it unchanged until {@code handler} runs
	 * @param handler told once the message is written or failed
	 * @return false, having sent nothing, if {@code remote} is not Tomcat's
	 */
	public static boolean send(RemoteEndpoint.Async remote, ByteBuffer utf8, SendHandler handler) {
		if (!(remote instanceof WsRemoteEndpointBase endpoint)) {
			return false;
		}
		endpoint.base.startMessage(Constants.OPCODE_TEXT, utf8, true, handler);
		return true;
	}

}
