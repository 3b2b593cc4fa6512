package io.caudal.topic;

import java.nio.ByteBuffer;

/**
 * Decides whether stored bytes are exactly one JSON value (RFC 8259, UTF-8, optional surrounding whitespace), in
 * one pass and without allocating: this is how every record's value is classified, whoever wrote it (a Caudal
 * produce, a Kafka producer). A value that passes is copied into answers as it is; any other is sent as base64.
 * <p>
 * Nesting is followed with a bit stack of {@value #MAX_DEPTH} levels, twice what the produce path's parser accepts
 * (Jackson's default of 500), so values from other producers may nest deeper; deeper still are sent as base64. Not
 * thread-safe: one per answer (the stack is reused between values).
 */
final class JsonValidator {

	/** The deepest nesting classified as JSON. */
	static final int MAX_DEPTH = 1000;

	/** One bit per open container: set for an object, clear for an array. */
	private final long[] containers = new long[(MAX_DEPTH + 63) / 64];

	private ByteBuffer in;

	private int end;

	/** Whether {@code [position, position + length)} holds exactly one JSON value. */
	boolean isJson(ByteBuffer bytes, int position, int length) {
		this.in = bytes;
		this.end = position + length;
		try {
			return validate(position);
		}
		finally {
			this.in = null;
		}
	}

	private boolean validate(int start) {
		int depth = 0;
		int i = whitespace(start);
		value:
		while (true) {
			if (i >= this.end) {
				return false;
			}
			byte c = this.in.get(i);
			switch (c) {
				case '{' -> {
					if (depth == MAX_DEPTH) {
						return false;
					}
					push(depth++, true);
					i = whitespace(i + 1);
					if (i < this.end && this.in.get(i) == '}') {
						depth--;
						i++;
					}
					else {
						i = memberName(i);
						if (i < 0) {
							return false;
						}
						continue value;
					}
				}
				case '[' -> {
					if (depth == MAX_DEPTH) {
						return false;
					}
					push(depth++, false);
					i = whitespace(i + 1);
					if (i < this.end && this.in.get(i) == ']') {
						depth--;
						i++;
					}
					else {
						continue value;
					}
				}
				case '"' -> i = string(i);
				case 't' -> i = literal(i, "true");
				case 'f' -> i = literal(i, "false");
				case 'n' -> i = literal(i, "null");
				default -> i = number(i);
			}
			// After a value: the end, or what its container expects next.
			while (true) {
				if (i < 0) {
					return false;
				}
				i = whitespace(i);
				if (depth == 0) {
					return i == this.end;
				}
				if (i >= this.end) {
					return false;
				}
				boolean object = isObject(depth - 1);
				byte next = this.in.get(i);
				if (next == ',') {
					i = whitespace(i + 1);
					if (object) {
						i = memberName(i);
						if (i < 0) {
							return false;
						}
					}
					continue value;
				}
				if (next != (object ? '}' : ']')) {
					return false;
				}
				depth--;
				i++;
			}
		}
	}

	/** Reads {@code "name" :} and the whitespace after it; returns where the value starts, or -1. */
	private int memberName(int i) {
		if (i >= this.end || this.in.get(i) != '"') {
			return -1;
		}
		int after = string(i);
		if (after < 0) {
			return -1;
		}
		after = whitespace(after);
		if (after >= this.end || this.in.get(after) != ':') {
			return -1;
		}
		return whitespace(after + 1);
	}

	/** Reads a string starting at its opening quote; returns the index after the closing quote, or -1. */
	private int string(int i) {
		int j = i + 1;
		while (j < this.end) {
			int b = this.in.get(j) & 0xFF;
			if (b == '"') {
				return j + 1;
			}
			if (b < 0x20) {
				return -1;
			}
			if (b == '\\') {
				if (j + 1 >= this.end) {
					return -1;
				}
				byte escape = this.in.get(j + 1);
				if (escape == 'u') {
					if (j + 6 > this.end) {
						return -1;
					}
					for (int k = j + 2; k < j + 6; k++) {
						if (Character.digit(this.in.get(k), 16) < 0) {
							return -1;
						}
					}
					j += 6;
				}
				else if (escape == '"' || escape == '\\' || escape == '/' || escape == 'b' || escape == 'f'
						|| escape == 'n' || escape == 'r' || escape == 't') {
					j += 2;
				}
				else {
					return -1;
				}
			}
			else if (b < 0x80) {
				j++;
			}
			else {
				int sequence = Utf8.sequenceLength(this.in, j, this.end);
				if (sequence < 0) {
					return -1;
				}
				j += sequence;
			}
		}
		return -1;
	}

	/** Reads {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; returns the index after it, or -1. */
	private int number(int i) {
		int j = i;
		if (j < this.end && this.in.get(j) == '-') {
			j++;
		}
		if (j >= this.end) {
			return -1;
		}
		if (this.in.get(j) == '0') {
			j++;
		}
		else {
			int digits = digits(j);
			if (digits == j) {
				return -1;
			}
			j = digits;
		}
		if (j < this.end && this.in.get(j) == '.') {
			int digits = digits(j + 1);
			if (digits == j + 1) {
				return -1;
			}
			j = digits;
		}
		if (j < this.end && (this.in.get(j) == 'e' || this.in.get(j) == 'E')) {
			j++;
			if (j < this.end && (this.in.get(j) == '+' || this.in.get(j) == '-')) {
				j++;
			}
			int digits = digits(j);
			if (digits == j) {
				return -1;
			}
			j = digits;
		}
		return j;
	}

	private int digits(int i) {
		int j = i;
		while (j < this.end && this.in.get(j) >= '0' && this.in.get(j) <= '9') {
			j++;
		}
		return j;
	}

	private int literal(int i, String word) {
		if (i + word.length() > this.end) {
			return -1;
		}
		for (int k = 0; k < word.length(); k++) {
			if (this.in.get(i + k) != word.charAt(k)) {
				return -1;
			}
		}
		return i + word.length();
	}

	private int whitespace(int i) {
		int j = i;
		while (j < this.end) {
			byte b = this.in.get(j);
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				break;
			}
			j++;
		}
		return j;
	}

	private void push(int depth, boolean object) {
		long bit = 1L << (depth & 63);
		if (object) {
			this.containers[depth >> 6] |= bit;
		}
		else {
			this.containers[depth >> 6] &= ~bit;
		}
	}

	private boolean isObject(int depth) {
		return (this.containers[depth >> 6] & (1L << (depth & 63))) != 0;
	}

}
