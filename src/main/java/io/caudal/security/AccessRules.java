package io.caudal.security;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Refuses to start a server with an endpoint of Caudal's that states no authorization rule, so a new endpoint cannot
 * be left open by forgetting one.
 */
@Component
class AccessRules {

	private final RequestMappingHandlerMapping mappings;

	AccessRules(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings) {
		this.mappings = mappings;
	}

	@EventListener(ContextRefreshedEvent.class)
	void everyEndpointHasARule() {
		List<String> unruled = this.mappings.getHandlerMethods()
			.values()
			.stream()
			.filter(handler -> handler.getBeanType().getPackageName().startsWith("io.caudal"))
			.filter(handler -> !hasRule(handler))
			.map(handler -> handler.getBeanType().getSimpleName() + "." + handler.getMethod().getName())
			.sorted()
			.toList();
		if (!unruled.isEmpty()) {
			throw new IllegalStateException("Endpoints without an authorization rule (@Requires, "
					+ "@AuthorizedInHandler or @NeedsNoRights): " + unruled);
		}
	}

	private static boolean hasRule(HandlerMethod handler) {
		return handler.getMethod().getAnnotationsByType(Requires.class).length > 0
				|| handler.hasMethodAnnotation(AuthorizedInHandler.class)
				|| handler.hasMethodAnnotation(NeedsNoRights.class);
	}

}
