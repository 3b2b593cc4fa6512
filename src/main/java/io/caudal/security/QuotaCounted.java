package io.caudal.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks an endpoint whose bytes count against a byte-rate quota, besides the request_rate every call counts in. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface QuotaCounted {

	Kind value();

	enum Kind {

		/** The request body's bytes count against producer_byte_rate. */
		PRODUCED,
		/** The records answered count against consumer_byte_rate. */
		CONSUMED

	}

}
