package io.caudal.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Short-lived, single-use tickets for socket clients that can send neither a header nor a cookie. A ticket stands
 * for the identity (and credential) that asked for it, for {@link #VALIDITY}, once; only its hash is kept, in the
 * database, so that a ticket issued by one node opens a socket on any node that shares it, and on one only: using a
 * ticket deletes its row, which succeeds once.
 */
@Component
public class SocketTickets {

	public static final String PREFIX = "cdt_";

	public static final Duration VALIDITY = Duration.ofSeconds(30);

	/** Tickets waiting at once, over all callers; each is a row until it is used or expires. */
	static final int MAX_WAITING = 10_000;

	/** Tickets of one principal waiting at once, so that one client cannot take every ticket. */
	static final int MAX_WAITING_PER_PRINCIPAL = 100;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final ApiKeys keys;

	private final JdbcClient jdbc;

	SocketTickets(ApiKeys keys, JdbcClient jdbc) {
		this.keys = keys;
		this.jdbc = jdbc;
	}

	/**
	 * Issues a ticket for an identity.
	 * @throws CaudalException {@link ErrorCode#RESOURCE_LIMIT} when {@link #MAX_WAITING} tickets are waiting
	 */
	public Ticket issue(CallerAuthentication caller) {
		Instant now = Instant.now();
		this.jdbc.sql("DELETE FROM socket_tickets WHERE expires_at <= ?").param(now.toEpochMilli()).update();
		String principal = caller.getPrincipal().toString();
		long mine = this.jdbc.sql("SELECT COUNT(*) FROM socket_tickets WHERE principal = ?")
			.param(principal)
			.query(Long.class)
			.single();
		if (mine >= MAX_WAITING_PER_PRINCIPAL) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal '" + caller.getPrincipal() + "' has "
					+ MAX_WAITING_PER_PRINCIPAL + " socket tickets waiting to be used; use them, or wait "
					+ VALIDITY.toSeconds() + " seconds.", Map.of(CaudalException.RETRY_AFTER_SECONDS,
							(int) VALIDITY.toSeconds()));
		}
		if (this.jdbc.sql("SELECT COUNT(*) FROM socket_tickets").query(Long.class).single() >= MAX_WAITING) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Too many socket tickets are waiting to be used; "
					+ "try again in " + VALIDITY.toSeconds() + " seconds.",
					Map.of(CaudalException.RETRY_AFTER_SECONDS, (int) VALIDITY.toSeconds()));
		}
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		Instant expiresAt = now.plus(VALIDITY);
		Instant credentialExpiresAt = caller.expiresAt();
		this.jdbc.sql("INSERT INTO socket_tickets (ticket_hash, principal, credential, credential_expires_at, "
				+ "expires_at) VALUES (?, ?, ?, ?, ?)")
			.params(ApiKeys.hash(ticket), principal, caller.credential(),
					(credentialExpiresAt != null) ? credentialExpiresAt.toEpochMilli() : null, expiresAt.toEpochMilli())
			.update();
		return new Ticket(ticket, expiresAt);
	}

	/**
	 * The identity a ticket stands for, once; null for an unknown, used or expired ticket, or one whose key has been
	 * revoked or whose token has expired since.
	 */
	CallerAuthentication redeem(String ticket) {
		String hash = ApiKeys.hash(ticket);
		Optional<Waiting> found = this.jdbc.sql("SELECT principal, credential, credential_expires_at, expires_at "
				+ "FROM socket_tickets WHERE ticket_hash = ?")
			.param(hash)
			.query((rs, row) -> {
				long credentialExpiresAt = rs.getLong("credential_expires_at");
				Instant credentialExpiry = rs.wasNull() ? null : Instant.ofEpochMilli(credentialExpiresAt);
				return new Waiting(new CallerAuthentication(CaudalPrincipal.parse(rs.getString("principal")),
						rs.getString("credential"), credentialExpiry), Instant.ofEpochMilli(rs.getLong("expires_at")));
			})
			.optional();
		if (found.isEmpty()
				|| this.jdbc.sql("DELETE FROM socket_tickets WHERE ticket_hash = ?").param(hash).update() == 0) {
			return null;
		}
		Instant now = Instant.now();
		CallerAuthentication caller = found.get().caller();
		if (!found.get().expiresAt().isAfter(now) || !this.keys.isActive(caller.credential())
				|| caller.hasExpired(now)) {
			return null;
		}
		return caller;
	}

	public record Ticket(String ticket, Instant expiresAt) {
	}

	private record Waiting(CallerAuthentication caller, Instant expiresAt) {
	}

}
