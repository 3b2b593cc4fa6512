package io.caudal.security;

import java.util.Arrays;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/** Reads the fields of ACLs and ACL filters as clients write them, refusing unknown values by name. */
public final class AclFields {

	private AclFields() {
	}

	/**
	 * Builds an ACL; the pattern defaults to LITERAL and the permission to ALLOW.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for a missing or unknown field
	 */
	public static AclBinding binding(String resourceType, String resourceName, String patternType, String principal,
			String operation, String permission) {
		ResourceType type = required("resourceType", ResourceType.class, resourceType);
		String name = resourceName(type, resourceName);
		return new AclBinding(type, name, (patternType != null) ? parse("patternType", PatternType.class, patternType)
				: PatternType.LITERAL, CaudalPrincipal.parse(required("principal", principal)),
				required("operation", AclOperation.class, operation),
				(permission != null) ? parse("permission", Permission.class, permission) : Permission.ALLOW);
	}

	/** Builds a filter of the fields given. */
	public static AclFilter filter(String resourceType, String resourceName, String patternType, String principal,
			String operation, String permission) {
		return new AclFilter(parse("resourceType", ResourceType.class, resourceType), resourceName,
				parse("patternType", PatternType.class, patternType),
				(principal != null) ? CaudalPrincipal.parse(principal) : null,
				parse("operation", AclOperation.class, operation), parse("permission", Permission.class, permission));
	}

	private static String resourceName(ResourceType type, String name) {
		String given = required("resourceName", name);
		if (type == ResourceType.CLUSTER && !ResourceType.CLUSTER_NAME.equals(given)) {
			throw invalid("The cluster is named '" + ResourceType.CLUSTER_NAME + "', not '" + given + "'.");
		}
		if (given.isEmpty() || given.length() > 255) {
			throw invalid("Field 'resourceName' must hold 1 to 255 characters.");
		}
		return given;
	}

	private static <E extends Enum<E>> E required(String field, Class<E> type, String value) {
		return parse(field, type, required(field, value));
	}

	private static String required(String field, String value) {
		if (value == null) {
			throw invalid("Field '" + field + "' is required.");
		}
		return value;
	}

	private static <E extends Enum<E>> E parse(String field, Class<E> type, String value) {
		if (value == null) {
			return null;
		}
		return Arrays.stream(type.getEnumConstants())
			.filter(constant -> constant.name().equals(value))
			.findFirst()
			.orElseThrow(() -> invalid("'" + field + "' must be one of " + Arrays.toString(type.getEnumConstants())
					+ ", not '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'."));
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

}
