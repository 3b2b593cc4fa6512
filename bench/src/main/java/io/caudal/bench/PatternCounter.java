package io.caudal.bench;

/**
 * Counts the occurrences of a pattern in text that arrives in pieces (the parts of a WebSocket
 * message, the lines of an event stream), looking at each character once and keeping no copy:
 * Knuth-Morris-Pratt, the partial match carried from one piece to the next. The consumers count
 * records by their {@code "offset":} keys this way, the least work per record that still counts
 * them (a record value in the benchmark is a string of letters, which cannot hold that key). Not
 * thread-safe.
 */
final class PatternCounter {

	private final String pattern;

	/** For each matched length, the longest proper prefix of the pattern that is also its suffix. */
	private final int[] fallback;

	private int matched;

	PatternCounter(String pattern) {
		this.pattern = pattern;
		this.fallback = new int[pattern.length()];
		for (int i = 1, k = 0; i < pattern.length(); i++) {
			while (k > 0 && pattern.charAt(i) != pattern.charAt(k)) {
				k = this.fallback[k - 1];
			}
			if (pattern.charAt(i) == pattern.charAt(k)) {
				k++;
			}
			this.fallback[i] = k;
		}
	}

	/** The matches that end in {@code text}, including one begun in the previous piece. */
	int count(CharSequence text) {
		int count = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			while (this.matched > 0 && c != this.pattern.charAt(this.matched)) {
				this.matched = this.fallback[this.matched - 1];
			}
			if (c == this.pattern.charAt(this.matched) && ++this.matched == this.pattern.length()) {
				count++;
				this.matched = 0;
			}
		}
		return count;
	}

}
