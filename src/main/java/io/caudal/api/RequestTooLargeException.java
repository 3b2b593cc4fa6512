package io.caudal.api;

import java.io.IOException;

/** Raised while reading a request body that is larger than {@code caudal.max-request-size}. */
class RequestTooLargeException extends IOException {

	private final long maxBytes;

	RequestTooLargeException(long maxBytes) {
		super("The request body is larger than the server's maximum of " + maxBytes + " bytes.");
		this.maxBytes = maxBytes;
	}

	long maxBytes() {
		return this.maxBytes;
	}

}
