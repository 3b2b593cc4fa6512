package io.caudal.group;

import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionState;
import io.caudal.topic.TopicPartition;

/**
 * Where an offset reset moves a group: {@code earliest}, {@code latest}, {@code offset:N} or {@code timestamp:T}.
 *
 * @param kind {@code earliest}, {@code latest}, {@code offset} or {@code timestamp}
 * @param value N or T; 0 for the first two
 */
record ResetTarget(String kind, long value) {

	/** @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming the accepted forms */
	static ResetTarget parse(String to) {
		if ("earliest".equals(to) || "latest".equals(to)) {
			return new ResetTarget(to, 0);
		}
		if (to != null && (to.startsWith("offset:") || to.startsWith("timestamp:"))) {
			int colon = to.indexOf(':');
			String number = to.substring(colon + 1);
			if (number.matches("[0-9]{1,19}")) {
				try {
					return new ResetTarget(to.substring(0, colon), Long.parseLong(number));
				}
				catch (NumberFormatException ex) {
					// Above Long.MAX_VALUE: refused below like any other bad number.
				}
			}
		}
		throw new CaudalException(ErrorCode.INVALID_REQUEST, "Field 'to' must be earliest, latest, offset:N or "
				+ "timestamp:T with N and T whole numbers of 0 or more, not '" + to + "'.");
	}

	/**
	 * The offset this target names in a partition now.
	 * @throws CaudalException {@link ErrorCode#OFFSET_OUT_OF_RANGE} for {@code offset:N} outside the partition
	 */
	long resolve(TopicPartition partition, FetchService fetch) {
		PartitionState state = fetch.state(partition);
		switch (this.kind) {
			case "earliest":
				return state.startOffset();
			case "latest":
				return state.endOffset();
			case "timestamp":
				return fetch.offsetForTimestamp(partition, this.value);
			default:
				if (this.value < state.startOffset() || this.value > state.endOffset()) {
					throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
							"Offset " + this.value + " is outside partition " + partition + ", which holds ["
									+ state.startOffset() + ", " + state.endOffset() + "].",
							Map.of("startOffset", state.startOffset(), "endOffset", state.endOffset()));
				}
				return this.value;
		}
	}

}
