package io.caudal.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/** Shared bits: payloads, latency histograms, the {@code RESULT} line. */
final class Results {

	/** Latencies are recorded in microseconds, up to 5 minutes, with 3 significant digits. */
	static Histogram histogram() {
		return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
	}

	static void record(Histogram histogram, long nanos) {
		histogram.recordValue(Math.min(Math.max(nanos / 1000, 0), histogram.getHighestTrackableValue()));
	}

	/** Random capital letters: no JSON escaping, no compression anywhere, as Kafka's tool uses. */
	static String letters(int length, long seed) {
		Random random = new Random(seed);
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = (char) ('A' + random.nextInt(26));
		}
		return new String(chars);
	}

	static Map<String, Object> latencies(Histogram histogram) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("p50Ms", ms(histogram.getValueAtPercentile(50)));
		values.put("p99Ms", ms(histogram.getValueAtPercentile(99)));
		values.put("p999Ms", ms(histogram.getValueAtPercentile(99.9)));
		values.put("maxMs", ms(histogram.getMaxValue()));
		values.put("samples", histogram.getTotalCount());
		return values;
	}

	static String ms(long micros) {
		return String.format("%.3f", micros / 1000.0);
	}

	static String fixed(double value) {
		return String.format("%.1f", value);
	}

	/** Prints {@code RESULT k=v k=v …}, the line run.sh reads. */
	static void print(Map<String, Object> values) {
		StringBuilder line = new StringBuilder("RESULT");
		values.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
		System.out.println(line);
		System.out.flush();
	}

	static boolean startsWith(CharSequence text, String prefix) {
		if (text.length() < prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (text.charAt(i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/** The whole number that follows the last occurrence of {@code key} (e.g. {@code "nextOffset":}). */
	static long lastNumberAfter(byte[] bytes, byte[] key) {
		outer: for (int i = bytes.length - key.length; i >= 0; i--) {
			for (int j = 0; j < key.length; j++) {
				if (bytes[i + j] != key[j]) {
					continue outer;
				}
			}
			long value = 0;
			for (int k = i + key.length; k < bytes.length && bytes[k] >= '0' && bytes[k] <= '9'; k++) {
				value = value * 10 + (bytes[k] - '0');
			}
			return value;
		}
		throw new IllegalStateException("No " + new String(key) + " in the answer.");
	}

	private Results() {
	}

}
