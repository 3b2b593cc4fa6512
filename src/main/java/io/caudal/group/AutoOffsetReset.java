package io.caudal.group;

import java.util.Arrays;
import java.util.Locale;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/** Where a member starts a partition that has no committed offset (or one no longer stored). */
public enum AutoOffsetReset {

	/** The partition's first stored offset. */
	EARLIEST,
	/** The partition's end offset: only records produced from now on. */
	LATEST,
	/** Nowhere: the poll is refused with {@link ErrorCode#NO_COMMITTED_OFFSET}. */
	NONE;

	/** The name in the API, lower case. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for anything but the three names */
	public static AutoOffsetReset parse(String name) {
		return Arrays.stream(values())
			.filter(value -> value.wireName().equals(name))
			.findFirst()
			.orElseThrow(() -> new CaudalException(ErrorCode.INVALID_REQUEST,
					"autoOffsetReset '" + name + "' is unknown; use earliest, latest or none."));
	}

}
