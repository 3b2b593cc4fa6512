package io.caudal.security;

/** Whether an ACL grants or refuses; a matching DENY always wins. */
public enum Permission {

	ALLOW, DENY

}
