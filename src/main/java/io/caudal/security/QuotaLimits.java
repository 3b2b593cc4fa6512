package io.caudal.security;

/**
 * One principal's quotas, with Kafka's names; null means no limit.
 * @param producerByteRate bytes of produce request bodies per second
 * @param consumerByteRate bytes of records answered (fetch, poll) per second
 * @param requestRate REST requests per second
 */
public record QuotaLimits(Long producerByteRate, Long consumerByteRate, Long requestRate) {

	static final QuotaLimits NONE = new QuotaLimits(null, null, null);

	boolean isEmpty() {
		return this.producerByteRate == null && this.consumerByteRate == null && this.requestRate == null;
	}

	/** These limits, each missing one taken from {@code defaults}. */
	QuotaLimits over(QuotaLimits defaults) {
		return new QuotaLimits((this.producerByteRate != null) ? this.producerByteRate : defaults.producerByteRate,
				(this.consumerByteRate != null) ? this.consumerByteRate : defaults.consumerByteRate,
				(this.requestRate != null) ? this.requestRate : defaults.requestRate);
	}

}
