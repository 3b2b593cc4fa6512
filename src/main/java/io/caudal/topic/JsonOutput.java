package io.caudal.topic;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text written as UTF-8 bytes, straight from the bytes records are stored as: no {@code String}, no
 * character encoder, no tree. Either streams to an {@link OutputStream} through a fixed buffer (an HTTP answer), or
 * grows in memory (a socket frame, an event). Callers write the structure ({@code {}[],:}) and field names as
 * pre-encoded ASCII themselves; this class escapes strings, copies raw JSON and encodes base64.
 * <p>
 * Not thread-safe: one per answer.
 */
public final class JsonOutput {

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		.getBytes(StandardCharsets.US_ASCII);

	/** How each byte below 0x80 is written inside a string: 0 as itself, else the letter of its short escape. */
	private static final byte[] ESCAPES = new byte[128];

	static {
		for (int c = 0; c < 0x20; c++) {
			ESCAPES[c] = 'u';
		}
		ESCAPES['\b'] = 'b';
		ESCAPES['\t'] = 't';
		ESCAPES['\n'] = 'n';
		ESCAPES['\f'] = 'f';
		ESCAPES['\r'] = 'r';
		ESCAPES['"'] = '"';
		ESCAPES['\\'] = '\\';
	}

	/** U+FFFD, the replacement character, written for bytes that are not UTF-8. */
	private static final byte[] REPLACEMENT = { (byte) 0xEF, (byte) 0xBF, (byte) 0xBD };

	private final OutputStream sink;

	/** Whether raw JSON is written without line breaks, for formats that end a line there (event streams). */
	private final boolean singleLine;

	private byte[] buffer;

	private int count;

	private long flushed;

	private JsonOutput(OutputStream sink, int bufferBytes, boolean singleLine) {
		this.sink = sink;
		this.buffer = new byte[bufferBytes];
		this.singleLine = singleLine;
	}

	/** Output streamed to {@code sink} through a buffer of {@code bufferBytes}; call {@link #flush()} at the end. */
	public static JsonOutput streaming(OutputStream sink, int bufferBytes) {
		return new JsonOutput(sink, bufferBytes, false);
	}

	/** Output kept in memory, starting with room for {@code initialBytes}; read it with {@link #toByteBuffer()}. */
	public static JsonOutput inMemory(int initialBytes) {
		return new JsonOutput(null, Math.max(initialBytes, 16), false);
	}

	/**
	 * Output kept in memory that never holds a line break: the whitespace between tokens of raw JSON (the only place
	 * a line break can be, strings escape theirs) is written as spaces, which means the same JSON.
	 */
	public static JsonOutput singleLine(int initialBytes) {
		return new JsonOutput(null, Math.max(initialBytes, 16), true);
	}

	/** The bytes written so far, flushed or not. */
	public long size() {
		return this.flushed + this.count;
	}

	/** Writes an ASCII byte. */
	public JsonOutput raw(char ascii) {
		ensure(1);
		this.buffer[this.count++] = (byte) ascii;
		return this;
	}

	/** Writes bytes as they are: pre-encoded ASCII such as {@code ,"offset":}. */
	public JsonOutput raw(byte[] bytes) {
		ensure(bytes.length);
		System.arraycopy(bytes, 0, this.buffer, this.count, bytes.length);
		this.count += bytes.length;
		return this;
	}

	/** Writes bytes that already are JSON text, such as a stored value that passed {@link JsonValidator}. */
	public JsonOutput raw(ByteBuffer bytes, int position, int length) {
		if (this.sink != null && length > this.buffer.length) {
			flushBuffer();
			writeThrough(bytes, position, length);
			return this;
		}
		ensure(length);
		bytes.get(position, this.buffer, this.count, length);
		if (this.singleLine) {
			for (int i = this.count; i < this.count + length; i++) {
				if (this.buffer[i] == '\n' || this.buffer[i] == '\r') {
					this.buffer[i] = ' ';
				}
			}
		}
		this.count += length;
		return this;
	}

	/** Writes a whole number. */
	public JsonOutput number(long value) {
		ensure(20);
		if (value == Long.MIN_VALUE) {
			return raw(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
		}
		long rest = value;
		if (rest < 0) {
			this.buffer[this.count++] = '-';
			rest = -rest;
		}
		int digits = 1;
		for (long scale = 10; digits < 19 && rest >= scale; scale *= 10) {
			digits++;
		}
		for (int i = this.count + digits - 1; i >= this.count; i--) {
			this.buffer[i] = (byte) ('0' + rest % 10);
			rest /= 10;
		}
		this.count += digits;
		return this;
	}

	/** Writes {@code text} as a JSON string, escaped. For identifiers and messages, not for record bytes. */
	public JsonOutput string(String text) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		return string(ByteBuffer.wrap(utf8), 0, utf8.length);
	}

	/**
	 * Writes UTF-8 bytes as a JSON string, escaping quotes, backslashes and control characters. A byte that does not
	 * belong to a valid UTF-8 sequence is written as U+FFFD, as Kafka decodes header names.
	 */
	public JsonOutput string(ByteBuffer bytes, int position, int length) {
		raw('"');
		int end = position + length;
		int i = position;
		while (i < end) {
			int b = bytes.get(i) & 0xFF;
			if (b < 0x80) {
				byte escape = ESCAPES[b];
				if (escape == 0) {
					ensure(1);
					this.buffer[this.count++] = (byte) b;
				}
				else if (escape == 'u') {
					ensure(6);
					this.buffer[this.count++] = '\\';
					this.buffer[this.count++] = 'u';
					this.buffer[this.count++] = '0';
					this.buffer[this.count++] = '0';
					this.buffer[this.count++] = HEX[b >> 4];
					this.buffer[this.count++] = HEX[b & 0xF];
				}
				else {
					ensure(2);
					this.buffer[this.count++] = '\\';
					this.buffer[this.count++] = escape;
				}
				i++;
				continue;
			}
			int sequence = Utf8.sequenceLength(bytes, i, end);
			if (sequence < 0) {
				ensure(REPLACEMENT.length);
				System.arraycopy(REPLACEMENT, 0, this.buffer, this.count, REPLACEMENT.length);
				this.count += REPLACEMENT.length;
				i++;
			}
			else {
				ensure(sequence);
				bytes.get(i, this.buffer, this.count, sequence);
				this.count += sequence;
				i += sequence;
			}
		}
		return raw('"');
	}

	/** Writes bytes as a JSON string of standard base64 with padding. */
	public JsonOutput base64(ByteBuffer bytes, int position, int length) {
		raw('"');
		int end = position + length;
		int i = position;
		while (end - i >= 3) {
			ensure(4);
			int triple = (bytes.get(i) & 0xFF) << 16 | (bytes.get(i + 1) & 0xFF) << 8 | (bytes.get(i + 2) & 0xFF);
			this.buffer[this.count++] = BASE64[triple >>> 18];
			this.buffer[this.count++] = BASE64[(triple >>> 12) & 0x3F];
			this.buffer[this.count++] = BASE64[(triple >>> 6) & 0x3F];
			this.buffer[this.count++] = BASE64[triple & 0x3F];
			i += 3;
		}
		if (i < end) {
			ensure(4);
			int first = bytes.get(i) & 0xFF;
			int second = (end - i == 2) ? bytes.get(i + 1) & 0xFF : 0;
			int pair = first << 16 | second << 8;
			this.buffer[this.count++] = BASE64[pair >>> 18];
			this.buffer[this.count++] = BASE64[(pair >>> 12) & 0x3F];
			this.buffer[this.count++] = (end - i == 2) ? BASE64[(pair >>> 6) & 0x3F] : (byte) '=';
			this.buffer[this.count++] = '=';
		}
		return raw('"');
	}

	/**
	 * Writes everything buffered to the sink and flushes it.
	 * @throws UncheckedIOException if the sink fails (the client went away)
	 */
	public void flush() {
		flushBuffer();
		try {
			this.sink.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The bytes written, for in-memory output: a view over this output's buffer, valid until the next write. */
	public ByteBuffer toByteBuffer() {
		return ByteBuffer.wrap(this.buffer, 0, this.count);
	}

	/** Forgets what was written after {@code size} bytes, for in-memory output. */
	public void truncate(long size) {
		if (this.sink != null || size > this.count) {
			throw new IllegalStateException("Only in-memory output can be cut back, and only to a size it reached.");
		}
		this.count = (int) size;
	}

	private void ensure(int bytes) {
		if (this.count + bytes <= this.buffer.length) {
			return;
		}
		if (this.sink != null && bytes <= this.buffer.length) {
			flushBuffer();
			return;
		}
		int needed = this.count + bytes;
		if (needed < 0) {
			throw new IllegalStateException("JSON output past 2 GiB.");
		}
		this.buffer = Arrays.copyOf(this.buffer, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8,
				(long) this.buffer.length * 2)));
	}

	private void flushBuffer() {
		if (this.count == 0) {
			return;
		}
		try {
			this.sink.write(this.buffer, 0, this.count);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.flushed += this.count;
		this.count = 0;
	}

	private void writeThrough(ByteBuffer bytes, int position, int length) {
		try {
			if (bytes.hasArray()) {
				this.sink.write(bytes.array(), bytes.arrayOffset() + position, length);
			}
			else {
				for (int i = 0; i < length; i += this.buffer.length) {
					int chunk = Math.min(this.buffer.length, length - i);
					bytes.get(position + i, this.buffer, 0, chunk);
					this.sink.write(this.buffer, 0, chunk);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.flushed += length;
	}

}
