package io.caudal.topic;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/** Where a fetch starts: a given offset, the earliest or latest offset, or a point in time. */
public sealed interface FetchPosition {

	/**
	 * Reads where a tail or an event stream starts each partition: {@code earliest}, {@code latest}, or
	 * {@code timestamp:T}, the first record at or after T (epoch ms).
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for anything else
	 */
	static FetchPosition parseStart(String from) {
		if (from.equals("earliest")) {
			return new Earliest();
		}
		if (from.equals("latest")) {
			return new Latest();
		}
		if (from.startsWith("timestamp:")) {
			String digits = from.substring("timestamp:".length());
			if (digits.matches("[0-9]{1,18}")) {
				return new AtTimestamp(Long.parseLong(digits));
			}
		}
		throw new CaudalException(ErrorCode.INVALID_REQUEST, "Parameter 'from' is earliest, latest or timestamp:T "
				+ "with T in epoch milliseconds; '" + from + "' was given.");
	}

	record Earliest() implements FetchPosition {
	}

	record Latest() implements FetchPosition {
	}

	/** @param offset an offset that must lie within {@code [startOffset, endOffset]} */
	record AtOffset(long offset) implements FetchPosition {
	}

	/** @param timestamp epoch ms: the first record whose timestamp is at or after it */
	record AtTimestamp(long timestamp) implements FetchPosition {
	}

}
