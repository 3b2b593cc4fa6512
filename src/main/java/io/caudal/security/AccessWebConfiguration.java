package io.caudal.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts the audit log and the {@link Requires} checks in front of every handler. */
@Configuration(proxyBeanMethods = false)
class AccessWebConfiguration implements WebMvcConfigurer {

	private final AccessControl access;

	AccessWebConfiguration(AccessControl access) {
		this.access = access;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		// First, so that a call the access check refuses is logged too.
		registry.addInterceptor(new AuditLog());
		registry.addInterceptor(new AccessInterceptor(this.access));
	}

}
