package io.caudal.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks an endpoint that changes what the server holds or who may do what; {@link AuditLog} logs every call. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

	/** The kind of resource changed: TOPIC, GROUP, ACL, PRINCIPAL, KEY, QUOTA. */
	String value();

}
