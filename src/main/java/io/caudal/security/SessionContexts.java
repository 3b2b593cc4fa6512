package io.caudal.security;

import java.time.Instant;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * Browser sessions' identities, kept in the HTTP session by POST /session. A session opened with a key that has
 * since been revoked, or with a token that has since expired, identifies no one any more.
 */
class SessionContexts extends HttpSessionSecurityContextRepository {

	private final ApiKeys keys;

	SessionContexts(ApiKeys keys) {
		this.keys = keys;
		// Only POST /session makes a session; without this, Spring Security would make one for every bearer call.
		setAllowSessionCreation(false);
	}

	@Override
	public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
		DeferredSecurityContext stored = super.loadDeferredContext(request);
		return new DeferredSecurityContext() {

			@Override
			public SecurityContext get() {
				SecurityContext context = stored.get();
				if (context.getAuthentication() instanceof CallerAuthentication caller
						&& (!SessionContexts.this.keys.isActive(caller.credential())
								|| caller.hasExpired(Instant.now()))) {
					return SecurityContextHolder.createEmptyContext();
				}
				return context;
			}

			@Override
			public boolean isGenerated() {
				return stored.isGenerated();
			}

		};
	}

}
