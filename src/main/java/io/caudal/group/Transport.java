package io.caudal.group;

import java.util.Locale;

/** How a member reaches the coordinator. Only HTTP members outlive a restart of the server. */
public enum Transport {

	HTTP, WEBSOCKET;

	/** The name in the API, lower case. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Transport parse(String name) {
		return valueOf(name.toUpperCase(Locale.ROOT));
	}

}
