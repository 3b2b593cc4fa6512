package io.caudal.error;

import java.util.Map;

/**
 * A failure a client can act on: it carries the contract's {@link ErrorCode}, a sentence with the
 * identifiers involved, and optional machine-readable properties (bounds, generation, ...) that
 * are sent as extension members of the problem.
 */
public class CaudalException extends RuntimeException {

	/** A property that also goes out as the {@code Retry-After} header, in seconds: when a refusal may pass. */
	public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

	private final ErrorCode code;

	private final Map<String, Object> properties;

	public CaudalException(ErrorCode code, String detail) {
		this(code, detail, Map.of());
	}

	public CaudalException(ErrorCode code, String detail, Map<String, Object> properties) {
		super(detail);
		this.code = code;
		this.properties = Map.copyOf(properties);
	}

	public ErrorCode code() {
		return this.code;
	}

	public Map<String, Object> properties() {
		return this.properties;
	}

}
