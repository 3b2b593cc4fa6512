package io.caudal.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A right an endpoint needs, checked by {@link AccessInterceptor} before its handler runs (before its body is
 * read). Every handler carries this, {@link AuthorizedInHandler} or {@link NeedsNoRights}; {@link AccessRules}
 * refuses to start otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Requires.All.class)
public @interface Requires {

	AclOperation value();

	ResourceType on();

	/** The path variable that names the resource; unused for the cluster. */
	String name() default "";

	/** Several rights, all needed. */
	@Documented
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@interface All {

		Requires[] value();

	}

}
