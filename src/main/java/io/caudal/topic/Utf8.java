package io.caudal.topic;

import java.nio.ByteBuffer;

/**
 * Strict UTF-8 checks over stored bytes, without decoding them: what {@code CodingErrorAction.REPORT} refuses is
 * refused here too (overlong forms, surrogates, code points above U+10FFFF, cut sequences). Stateless; nothing is
 * allocated.
 */
final class Utf8 {

	private Utf8() {
	}

	/** Whether {@code [position, position + length)} is valid UTF-8. */
	static boolean isValid(ByteBuffer bytes, int position, int length) {
		int end = position + length;
		int i = position;
		while (i < end) {
			if (bytes.get(i) >= 0) {
				i++;
			}
			else {
				int sequence = sequenceLength(bytes, i, end);
				if (sequence < 0) {
					return false;
				}
				i += sequence;
			}
		}
		return true;
	}

	/**
	 * The length of the multi-byte sequence starting at {@code i} (whose first byte is 0x80 or above), or -1 if it
	 * is not a valid sequence that ends by {@code end}.
	 */
	static int sequenceLength(ByteBuffer bytes, int i, int end) {
		int first = bytes.get(i) & 0xFF;
		int length;
		int min;
		int max;
		if (first >= 0xC2 && first <= 0xDF) {
			return (i + 1 < end && isContinuation(bytes.get(i + 1))) ? 2 : -1;
		}
		else if (first >= 0xE0 && first <= 0xEF) {
			length = 3;
			// E0 needs A0..BF next (no overlong form), ED needs 80..9F (no surrogate).
			min = (first == 0xE0) ? 0xA0 : 0x80;
			max = (first == 0xED) ? 0x9F : 0xBF;
		}
		else if (first >= 0xF0 && first <= 0xF4) {
			length = 4;
			// F0 needs 90..BF next (no overlong form), F4 needs 80..8F (nothing above U+10FFFF).
			min = (first == 0xF0) ? 0x90 : 0x80;
			max = (first == 0xF4) ? 0x8F : 0xBF;
		}
		else {
			return -1;
		}
		if (i + length > end) {
			return -1;
		}
		int second = bytes.get(i + 1) & 0xFF;
		if (second < min || second > max) {
			return -1;
		}
		for (int k = 2; k < length; k++) {
			if (!isContinuation(bytes.get(i + k))) {
				return -1;
			}
		}
		return length;
	}

	private static boolean isContinuation(byte b) {
		return (b & 0xC0) == 0x80;
	}

}
