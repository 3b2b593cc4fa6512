package io.caudal.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler that asks {@link AccessControl} itself, because the resource is only known from the body or the
 * answer (a topic to create, a list to filter, a member's topics).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuthorizedInHandler {

	/** The checks the handler makes. */
	String value();

}
