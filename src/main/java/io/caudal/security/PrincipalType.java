package io.caudal.security;

/**
 * The namespaces principals live in, as Kafka's principals are typed: a name proven by an API key, a JWT claim and a
 * certificate's CN never meet, so a token whose subject is {@code admin} is not the key principal {@code admin}.
 */
public enum PrincipalType {

	/** A principal created through {@code /principals}, proven by one of its API keys. */
	KEY("key"),
	/** The value of the configured claim of a JWT the resource server accepted. */
	JWT("jwt"),
	/** The subject CN of a TLS client certificate the server trusts. */
	CERT("cert");

	private final String prefix;

	PrincipalType(String prefix) {
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	static PrincipalType ofPrefix(String prefix) {
		for (PrincipalType type : values()) {
			if (type.prefix.equals(prefix)) {
				return type;
			}
		}
		return null;
	}

}
