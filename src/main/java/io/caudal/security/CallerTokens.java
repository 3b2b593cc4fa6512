package io.caudal.security;

import io.caudal.config.CaudalProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.stereotype.Component;

/**
 * What a bearer token is, told by its prefix: an API key ({@code cdl_}), a socket ticket ({@code cdt_}, only in
 * the {@code ticket} query parameter of a WebSocket handshake), or else a JWT for the resource server (when one is
 * configured). Each kind is checked by its own authority, never by trying them in turn.
 */
@Component
class CallerTokens implements AuthenticationManager, BearerTokenResolver {

	private static final Logger logger = LoggerFactory.getLogger(CallerTokens.class);

	private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();

	private final ApiKeys keys;

	private final SocketTickets tickets;

	private final JwtAuthenticationProvider jwt;

	CallerTokens(ApiKeys keys, SocketTickets tickets, ObjectProvider<JwtDecoder> jwtDecoder,
			CaudalProperties properties, Environment environment) {
		this.keys = keys;
		this.tickets = tickets;
		JwtDecoder decoder = jwtDecoder.getIfAvailable();
		if (decoder != null && properties.security().enabled()
				&& environment.getProperty("spring.security.oauth2.resourceserver.jwt.audiences") == null) {
			logger.warn("JWTs are accepted without an audience check: any token of the issuer, meant for any "
					+ "service, identifies its subject here. Set spring.security.oauth2.resourceserver.jwt.audiences.");
		}
		this.jwt = (decoder != null) ? jwtProvider(decoder, properties.security().jwt().principalClaim()) : null;
	}

	@Override
	public String resolve(HttpServletRequest request) {
		String token = this.header.resolve(request);
		if (token != null && token.startsWith(SocketTickets.PREFIX)) {
			throw new InvalidBearerTokenException("A socket ticket is good only as the ticket parameter of one "
					+ "WebSocket handshake, not as a bearer token.");
		}
		if (token == null && request.getRequestURI().startsWith("/ws/")) {
			String ticket = request.getParameter("ticket");
			return (ticket != null && ticket.startsWith(SocketTickets.PREFIX)) ? ticket : null;
		}
		return token;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		if (token.startsWith(ApiKeys.PREFIX)) {
			return found(this.keys.authenticate(token), "The API key is unknown or revoked.");
		}
		if (token.startsWith(SocketTickets.PREFIX)) {
			return found(this.tickets.redeem(token), "The ticket is unknown, used or expired.");
		}
		if (this.jwt == null) {
			throw new InvalidBearerTokenException("The bearer token is not an API key (cdl_...) and this server "
					+ "accepts no JWTs (spring.security.oauth2.resourceserver.jwt.* is not set).");
		}
		return this.jwt.authenticate(authentication);
	}

	private static Authentication found(CallerAuthentication authentication, String otherwise) {
		if (authentication == null) {
			throw new InvalidBearerTokenException(otherwise);
		}
		return authentication;
	}

	private static JwtAuthenticationProvider jwtProvider(JwtDecoder decoder, String principalClaim) {
		JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
		provider.setJwtAuthenticationConverter((Jwt token) -> {
			Object name = token.getClaims().get(principalClaim);
			if (!(name instanceof String text) || text.isEmpty()) {
				throw new InvalidBearerTokenException("The token has no '" + principalClaim + "' claim to name "
						+ "its principal (caudal.security.jwt.principal-claim).");
			}
			CaudalPrincipal principal;
			try {
				principal = CaudalPrincipal.of(PrincipalType.JWT, text);
			}
			catch (RuntimeException ex) {
				throw new InvalidBearerTokenException("The token's '" + principalClaim + "' claim is not a "
						+ "principal name: " + ex.getMessage());
			}
			String id = (token.getId() != null) ? token.getId() : ApiKeys.hash(token.getTokenValue());
			return new CallerAuthentication(principal, "jwt/" + id, token.getExpiresAt());
		});
		return provider;
	}

}
