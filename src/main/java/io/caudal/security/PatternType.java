package io.caudal.security;

/** How an ACL's resource name matches: the exact name ({@code *} for every one), or every name it starts. */
public enum PatternType {

	LITERAL, PREFIXED;

	/** The wildcard resource name of a LITERAL pattern. */
	public static final String WILDCARD = "*";

	boolean matches(String pattern, String name) {
		return switch (this) {
			case LITERAL -> WILDCARD.equals(pattern) || pattern.equals(name);
			case PREFIXED -> name.startsWith(pattern);
		};
	}

}
