package io.caudal.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A caller Caudal has identified: its typed principal and the credential that proved it ({@code key/<id>} for an
 * API key, {@code jwt/<jti>} for a token, {@code cert/<serial>}), so that revoking one key ends only what that key
 * opened.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

	private final CaudalPrincipal principal;

	private final String credential;

	public CallerAuthentication(CaudalPrincipal principal, String credential) {
		super(List.of());
		this.principal = principal;
		this.credential = credential;
		setAuthenticated(true);
	}

	@Override
	public CaudalPrincipal getPrincipal() {
		return this.principal;
	}

	/** Never the secret itself: the id of the key, token or certificate. */
	@Override
	public String getCredentials() {
		return this.credential;
	}

	@Override
	public String getName() {
		return this.principal.toString();
	}

	public String credential() {
		return this.credential;
	}

}
