package io.caudal.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import io.caudal.budget.Reservation;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * A request body whose bytes are counted against a server-wide budget as they are read, before anything is built
 * from them: a produce holds its body's values and then the batch built from them, so each byte read costs
 * {@value #COST_PER_BYTE}. When the budget has no room, reading stops with 429 {@code RESOURCE_LIMIT}.
 */
final class ReservingInputStream extends InputStream {

	/** What one byte of body costs while its request is handled: its parsed copy, then its copy in the batch. */
	static final int COST_PER_BYTE = 2;

	private final InputStream body;

	private final Reservation reservation;

	ReservingInputStream(InputStream body, Reservation reservation) {
		this.body = body;
		this.reservation = reservation;
	}

	@Override
	public int read() throws IOException {
		int b = this.body.read();
		if (b >= 0) {
			reserve(1);
		}
		return b;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		int read = this.body.read(buffer, offset, length);
		if (read > 0) {
			reserve(read);
		}
		return read;
	}

	private void reserve(int bytes) {
		if (!this.reservation.tryGrow((long) bytes * COST_PER_BYTE)) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds as many produce requests in "
					+ "memory as it may (caudal.produce.max-buffered-bytes); nothing was written. Retry shortly.",
					Map.of(CaudalException.RETRY_AFTER_SECONDS, 1));
		}
	}

}
