package io.caudal.api;

import io.caudal.topic.JsonOutput;
import io.caudal.topic.RecordEncoder;

/**
 * An answer that carries records: written by {@link RecordAnswerConverter} as UTF-8 bytes straight from the stored
 * bytes, never through a JSON tree or a {@code String}. Its records hold memory counted in the answer budget until
 * they are {@linkplain #release() released}.
 */
sealed interface RecordAnswer permits FetchAnswer, PollAnswer {

	/** Writes the whole answer as one JSON object. */
	void writeTo(JsonOutput out, RecordEncoder encoder);

	/** Gives back the memory the records hold, once written or never to be. Idempotent. */
	void release();

}
