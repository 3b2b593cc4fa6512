package io.caudal.security;

/**
 * Slows what is pushed to a principal (socket frames, stream events) to its consumer quota: the writer asks how long
 * to wait before reading more records, and reports the bytes each frame or event took. A push over its quota is not
 * refused; it gets its records later.
 */
public interface PushThrottle {

	/** No quota: never waits. */
	PushThrottle NONE = new PushThrottle() {

		@Override
		public long delayNanos() {
			return 0;
		}

		@Override
		public void sent(long bytes) {
		}

	};

	/** How long to wait before the next frame; 0 to send now. */
	long delayNanos();

	/** Counts a frame's bytes, as encoded. */
	void sent(long bytes);

}
