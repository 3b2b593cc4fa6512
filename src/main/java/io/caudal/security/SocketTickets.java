package io.caudal.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.stereotype.Component;

/**
 * Short-lived, single-use tickets for socket clients that can send neither a header nor a cookie. A ticket stands
 * for the identity (and credential) that asked for it, for {@link #VALIDITY}, once; only its hash is kept.
 */
@Component
public class SocketTickets {

	public static final String PREFIX = "cdt_";

	public static final Duration VALIDITY = Duration.ofSeconds(30);

	/** Tickets waiting at once, over all callers; each is a few hundred bytes until it is used or expires. */
	static final int MAX_WAITING = 10_000;

	/** Tickets of one principal waiting at once, so that one client cannot take every ticket. */
	static final int MAX_WAITING_PER_PRINCIPAL = 100;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

	private final ApiKeys keys;

	SocketTickets(ApiKeys keys) {
		this.keys = keys;
	}

	/**
	 * Issues a ticket for an identity.
	 * @throws CaudalException {@link ErrorCode#RESOURCE_LIMIT} when {@link #MAX_WAITING} tickets are waiting
	 */
	public Ticket issue(CallerAuthentication caller) {
		Instant now = Instant.now();
		this.waiting.values().removeIf(ticket -> ticket.expiresAt().isBefore(now));
		long mine = this.waiting.values().stream().filter(ticket -> ticket.caller().getPrincipal()
			.equals(caller.getPrincipal())).count();
		if (mine >= MAX_WAITING_PER_PRINCIPAL) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal '" + caller.getPrincipal() + "' has "
					+ MAX_WAITING_PER_PRINCIPAL + " socket tickets waiting to be used; use them, or wait "
					+ VALIDITY.toSeconds() + " seconds.", Map.of(CaudalException.RETRY_AFTER_SECONDS,
							(int) VALIDITY.toSeconds()));
		}
		if (this.waiting.size() >= MAX_WAITING) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Too many socket tickets are waiting to be used; "
					+ "try again in " + VALIDITY.toSeconds() + " seconds.",
					Map.of(CaudalException.RETRY_AFTER_SECONDS, (int) VALIDITY.toSeconds()));
		}
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		Instant expiresAt = now.plus(VALIDITY);
		this.waiting.put(ApiKeys.hash(ticket), new Waiting(caller, expiresAt));
		return new Ticket(ticket, expiresAt);
	}

	/**
	 * The identity a ticket stands for, once; null for an unknown, used or expired ticket, or one whose key has been
	 * revoked or whose token has expired since.
	 */
	CallerAuthentication redeem(String ticket) {
		Waiting found = this.waiting.remove(ApiKeys.hash(ticket));
		Instant now = Instant.now();
		if (found == null || !found.expiresAt().isAfter(now) || !this.keys.isActive(found.caller().credential())
				|| found.caller().hasExpired(now)) {
			return null;
		}
		return found.caller();
	}

	public record Ticket(String ticket, Instant expiresAt) {
	}

	private record Waiting(CallerAuthentication caller, Instant expiresAt) {
	}

}
