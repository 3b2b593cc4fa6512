package io.caudal.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts the audit log, the quotas and the {@link Requires} checks in front of every handler. */
@Configuration(proxyBeanMethods = false)
class AccessWebConfiguration implements WebMvcConfigurer {

	private final AccessControl access;

	private final ObjectProvider<Quotas> quotas;

	/** @param quotas absent in MVC test slices, which load no database */
	AccessWebConfiguration(AccessControl access, ObjectProvider<Quotas> quotas) {
		this.access = access;
		this.quotas = quotas;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		// First, so that a call the access check refuses is logged too.
		registry.addInterceptor(new AuditLog());
		// Before the access check, so a flood of refused calls is throttled too.
		this.quotas.ifAvailable(counted -> registry.addInterceptor(new QuotaInterceptor(counted)));
		registry.addInterceptor(new AccessInterceptor(this.access));
	}

}
