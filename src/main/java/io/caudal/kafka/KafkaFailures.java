package io.caudal.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a Kafka client reports into the contract's problems: a refusal the client caused is a 4xx, anything
 * else a 503 {@code STORAGE_ERROR} whose detail never carries Kafka's own message (it names brokers); that goes to the
 * log.
 */
final class KafkaFailures {

	private static final Logger logger = LoggerFactory.getLogger(KafkaFailures.class);

	private KafkaFailures() {
	}

	/**
	 * Waits for an Admin call.
	 * @param what what was asked, for the log and the problem's detail, e.g. "creating topic 'orders'"
	 */
	static <T> T await(Future<T> future, long timeoutMs, String what) {
		try {
			return future.get(timeoutMs, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw translate(ex.getCause(), what);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			logger.warn("Kafka did not answer within {} ms while {}.", timeoutMs, what);
			throw unavailable(what);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(what);
		}
	}

	static CaudalException translate(Throwable cause, String what) {
		if (cause instanceof CaudalException caudal) {
			return caudal;
		}
		if (cause instanceof TopicExistsException) {
			return new CaudalException(ErrorCode.TOPIC_EXISTS, "The topic already exists (" + what + ").");
		}
		if (cause instanceof UnknownTopicOrPartitionException) {
			return new CaudalException(ErrorCode.TOPIC_NOT_FOUND, "The topic does not exist (" + what + ").");
		}
		if (cause instanceof InvalidReplicationFactorException || cause instanceof InvalidPartitionsException) {
			return new CaudalException(ErrorCode.INVALID_REQUEST, "The Kafka cluster refused " + what + ": "
					+ cause.getMessage());
		}
		if (cause instanceof InvalidConfigurationException || cause instanceof PolicyViolationException) {
			return new CaudalException(ErrorCode.INVALID_CONFIG, "The Kafka cluster refused the settings while "
					+ what + ": " + cause.getMessage());
		}
		logger.warn("Kafka failed while {}.", what, cause);
		return unavailable(what);
	}

	static CaudalException unavailable(String what) {
		return new CaudalException(ErrorCode.STORAGE_ERROR, "The Kafka cluster could not be reached or refused "
				+ what + ". Retry shortly; a change may have been made all the same, so read before repeating it.");
	}

}
