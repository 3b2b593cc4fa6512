package io.caudal.security;

import java.time.Instant;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A caller Caudal has identified: its typed principal and the credential that proved it ({@code key/<id>} for an
 * API key, {@code jwt/<jti>} for a token, {@code cert/<serial>}), so that revoking one key ends only what that key
 * opened, and when the credential expires, if it does.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

	private final CaudalPrincipal principal;

	private final String credential;

	private final Instant expiresAt;

	public CallerAuthentication(CaudalPrincipal principal, String credential) {
		this(principal, credential, null);
	}

	/** @param expiresAt when the credential stops proving the principal (a token's expiry), or null for never */
	public CallerAuthentication(CaudalPrincipal principal, String credential, Instant expiresAt) {
		super(List.of());
		this.principal = principal;
		this.credential = credential;
		this.expiresAt = expiresAt;
		setAuthenticated(true);
	}

	/** Whether the credential has expired: what it opened (a session, a socket, a stream) must end. */
	public boolean hasExpired(Instant now) {
		return this.expiresAt != null && !now.isBefore(this.expiresAt);
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

	/** When the credential stops proving the principal, or null for never. */
	public Instant expiresAt() {
		return this.expiresAt;
	}

}
