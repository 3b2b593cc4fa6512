package io.caudal.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs from the command line. */
final class Options {

	private final Map<String, String> values;

	private Options(Map<String, String> values) {
		this.values = values;
	}

	static Options parse(String[] args) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Options are '--name value' pairs; '" + args[i] + "' is not.");
			}
			values.put(args[i].substring(2), args[++i]);
		}
		return new Options(values);
	}

	String string(String name) {
		String value = this.values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Option --" + name + " is required.");
		}
		return value;
	}

	String string(String name, String fallback) {
		return this.values.getOrDefault(name, fallback);
	}

	int integer(String name, int fallback) {
		String value = this.values.get(name);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	long number(String name, long fallback) {
		String value = this.values.get(name);
		return (value != null) ? Long.parseLong(value) : fallback;
	}

	long number(String name) {
		return Long.parseLong(string(name));
	}

}
