package io.caudal.security;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * Who a caller is: a typed name, written {@code type:name} ({@code key:billing}, {@code jwt:ana@example.com},
 * {@code cert:payments}) in ACLs, quotas, super-users and the audit log.
 */
public record CaudalPrincipal(PrincipalType type, String name) {

	/** Everyone, when security is off; never matched by an ACL. */
	public static final CaudalPrincipal ANONYMOUS = new CaudalPrincipal(null, "anonymous");

	/** The principal of {@code caudal.security.admin-key}. */
	public static final CaudalPrincipal ADMIN = new CaudalPrincipal(PrincipalType.KEY, "admin");

	/**
	 * Reads {@code type:name}.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} without a known type or with an empty or unprintable
	 * name
	 */
	public static CaudalPrincipal parse(String typed) {
		int colon = (typed != null) ? typed.indexOf(':') : -1;
		PrincipalType type = (colon > 0) ? PrincipalType.ofPrefix(typed.substring(0, colon)) : null;
		if (type == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A principal is written type:name with a type of key, "
					+ "jwt or cert, as key:billing; '" + printable(typed) + "' is not.");
		}
		return of(type, typed.substring(colon + 1));
	}

	/**
	 * A principal with a checked name: 1 to 255 printable characters (any language; no control characters).
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} otherwise
	 */
	public static CaudalPrincipal of(PrincipalType type, String name) {
		if (name == null || name.isEmpty() || name.length() > 255 || !name.codePoints().allMatch(CaudalPrincipal::printable)) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"A principal's name is 1 to 255 printable characters; '" + printable(name) + "' is not.");
		}
		return new CaudalPrincipal(type, name);
	}

	@Override
	public String toString() {
		return (this.type != null) ? this.type.prefix() + ":" + this.name : this.name;
	}

	private static boolean printable(int codePoint) {
		return !Character.isISOControl(codePoint) && Character.getType(codePoint) != Character.UNASSIGNED
				&& Character.getType(codePoint) != Character.SURROGATE;
	}

	private static String printable(String text) {
		if (text == null) {
			return "";
		}
		String shown = text.codePoints()
			.map(c -> printable(c) ? c : '?')
			.limit(80)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return (text.length() > 80) ? shown + "..." : shown;
	}

}
