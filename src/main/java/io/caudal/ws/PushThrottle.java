package io.caudal.ws;

/**
 * Slows a socket's records to its principal's consumer quota: the pump asks how long to wait before reading more,
 * and reports the bytes each frame took. A socket over its quota is not refused; it gets its records later.
 */
interface PushThrottle {

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
