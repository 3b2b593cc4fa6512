package io.caudal.sse;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * An event stream's position as an event {@code id}: every partition's next offset, so that a client reconnecting
 * with {@code Last-Event-ID} resumes exactly after the last event it received, on any node and after a restart. It
 * depends on nothing but the offsets.
 * <p>
 * Format: base64url without padding of varints: a version (1), the partition count, the smallest next offset, then
 * each partition's next offset less that smallest one. The partitions of a topic move together, so what is left
 * per partition is small: 1,000 partitions whose offsets lie within 16,384 of each other take 2,000 bytes, 2,676
 * characters, well under the 8 KB Tomcat and most proxies allow for a request's headers ({@code EventIdTest}
 * measures it). Stateless.
 */
final class EventId {

	private static final int VERSION = 1;

	/** More partitions than any topic may have, so a forged count cannot make the decoder allocate much. */
	private static final int MAX_PARTITIONS = 100_000;

	private EventId() {
	}

	/** The id of a stream at these positions, by partition number. */
	static String encode(List<Long> positions) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 + positions.size() * 3);
		writeVarlong(bytes, VERSION);
		writeVarlong(bytes, positions.size());
		long smallest = positions.stream().mapToLong(Long::longValue).min().orElse(0);
		writeVarlong(bytes, smallest);
		for (long position : positions) {
			writeVarlong(bytes, position - smallest);
		}
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
	}

	/**
	 * The positions an id names.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} if it is not an id this server wrote
	 */
	static List<Long> decode(String id) {
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(id);
		}
		catch (IllegalArgumentException ex) {
			throw invalid();
		}
		int[] at = { 0 };
		if (readVarlong(bytes, at) != VERSION) {
			throw invalid();
		}
		long count = readVarlong(bytes, at);
		if (count < 0 || count > MAX_PARTITIONS) {
			throw invalid();
		}
		long smallest = readVarlong(bytes, at);
		List<Long> positions = new ArrayList<>((int) count);
		for (int i = 0; i < count; i++) {
			long position = smallest + readVarlong(bytes, at);
			if (smallest < 0 || position < smallest) {
				throw invalid();
			}
			positions.add(position);
		}
		if (at[0] != bytes.length) {
			throw invalid();
		}
		return positions;
	}

	private static void writeVarlong(ByteArrayOutputStream out, long value) {
		long rest = value;
		while ((rest & ~0x7FL) != 0) {
			out.write((int) ((rest & 0x7F) | 0x80));
			rest >>>= 7;
		}
		out.write((int) rest);
	}

	private static long readVarlong(byte[] bytes, int[] at) {
		long value = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (at[0] >= bytes.length) {
				throw invalid();
			}
			byte b = bytes[at[0]++];
			value |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return value;
			}
		}
		throw invalid();
	}

	private static CaudalException invalid() {
		return new CaudalException(ErrorCode.INVALID_REQUEST,
				"Header 'Last-Event-ID' is not the id of an event this stream sent; reconnect without it.");
	}

}
