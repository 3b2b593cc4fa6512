package io.caudal.security;

import java.util.Map;

import io.caudal.config.CaudalProperties;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The security objects of a server with security off (the default), for tests that build handlers by hand. */
public final class SecurityOff {

	private static final CaudalProperties DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
		.bindOrCreate("caudal", CaudalProperties.class);

	private static final AccessControl ACCESS = new AccessControl(DEFAULTS,
			new StaticListableBeanFactory().getBeanProvider(AclStore.class));

	private SecurityOff() {
	}

	public static AccessControl access() {
		return ACCESS;
	}

	/** Watches nothing: with security off no connection is ever ended for its rights. */
	public static LiveConnections live() {
		return new LiveConnections(ACCESS, null, DEFAULTS);
	}

	/** Counts nothing: with security off there are no principals to give quotas to. */
	public static Quotas quotas() {
		return new Quotas(null, ACCESS, null);
	}

	/** Counts nothing: with security off only the server-wide caps apply. */
	public static PrincipalSlots slots() {
		return new PrincipalSlots(DEFAULTS);
	}

	/** Claims nothing: with security off any caller may use any instance id. */
	public static StaticInstances instances() {
		return new StaticInstances(null, ACCESS);
	}

}
