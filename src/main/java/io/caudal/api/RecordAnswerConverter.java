package io.caudal.api;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.caudal.security.AccessControl;
import io.caudal.security.Quotas;
import io.caudal.topic.JsonOutput;
import io.caudal.topic.RecordEncoder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotWritableException;
import org.springframework.stereotype.Component;

/**
 * Writes {@link RecordAnswer}s to the response body as UTF-8 bytes through an 8 KiB buffer, so that records go from
 * the stored bytes to the socket without a {@code String} or a character encoder. Write-only.
 */
@Component
class RecordAnswerConverter extends AbstractHttpMessageConverter<RecordAnswer> {

	private static final int BUFFER_BYTES = 8192;

	private final RecordEncoder encoder;

	private final ObjectProvider<Quotas> quotas;

	/** @param quotas counts the bytes answered against the caller's consumer_byte_rate; absent in MVC test slices */
	RecordAnswerConverter(RecordEncoder encoder, ObjectProvider<Quotas> quotas) {
		super(MediaType.APPLICATION_JSON);
		this.encoder = encoder;
		this.quotas = quotas;
	}

	@Override
	protected boolean supports(Class<?> type) {
		return RecordAnswer.class.isAssignableFrom(type);
	}

	@Override
	public boolean canRead(Class<?> type, MediaType mediaType) {
		return false;
	}

	@Override
	protected RecordAnswer readInternal(Class<? extends RecordAnswer> type, HttpInputMessage input) {
		throw new UnsupportedOperationException("Record answers are written, never read.");
	}

	@Override
	protected void writeInternal(RecordAnswer answer, HttpOutputMessage output) throws IOException {
		JsonOutput out = JsonOutput.streaming(output.getBody(), BUFFER_BYTES);
		try {
			answer.writeTo(out, this.encoder);
			out.flush();
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		catch (RuntimeException ex) {
			throw new HttpMessageNotWritableException("Could not write the records.", ex);
		}
		finally {
			answer.release();
			long bytes = out.size();
			this.quotas.ifAvailable(counted -> counted.consumed(AccessControl.caller(), bytes));
		}
	}

}
