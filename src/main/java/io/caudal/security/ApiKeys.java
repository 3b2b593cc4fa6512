package io.caudal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicName;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key principals and their API keys. A key is {@code cdl_} and 256 random bits (base64url); only its SHA-256 is
 * stored, and a request's key is found by that hash, in memory, in one map lookup. A salted slow hash would make
 * the lookup impossible and cost milliseconds per request; 256 random bits need no slowing down.
 */
@Component
public class ApiKeys {

	/** What every API key starts with, so the bearer filter tells keys from JWTs and scanners find leaked keys. */
	public static final String PREFIX = "cdl_";

	/** The id of {@code caudal.security.admin-key}, which lives in configuration only. */
	static final String BOOTSTRAP_ID = "bootstrap";

	/** {@code cdl_} and 32 characters: at least 192 bits when they are random base64url. */
	private static final int MIN_ADMIN_KEY_LENGTH = 36;

	private static final String KEY_CREDENTIAL = "key/";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcClient jdbc;

	private final CaudalProperties.Security settings;

	private final ApplicationEventPublisher events;

	private final SecurityChanges changes;

	private final TransactionTemplate transactions;

	private final Map<String, StoredKey> byHash = new ConcurrentHashMap<>();

	private final Set<String> activeIds = ConcurrentHashMap.newKeySet();

	public ApiKeys(JdbcClient jdbc, PlatformTransactionManager transactionManager, CaudalProperties properties,
			ApplicationEventPublisher events, SecurityChanges changes) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.events = events;
		this.changes = changes;
		this.settings = properties.security();
		stored().forEach(this::add);
		String adminKey = this.settings.adminKey();
		if (adminKey != null && !adminKey.isBlank()) {
			if (!adminKey.startsWith(PREFIX) || adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
				throw new IllegalStateException("caudal.security.admin-key must start with " + PREFIX + " and hold at "
						+ "least " + MIN_ADMIN_KEY_LENGTH + " characters, as keys made by the server do (" + PREFIX
						+ " and 43 base64url characters).");
			}
			add(new StoredKey(BOOTSTRAP_ID, CaudalPrincipal.ADMIN.name(), hash(adminKey), Instant.EPOCH));
		}
	}

	/** The key's principal and credential, or null when no such key exists (revoked, mistyped, never made). */
	public CallerAuthentication authenticate(String key) {
		StoredKey stored = this.byHash.get(hash(key));
		return (stored != null) ? new CallerAuthentication(new CaudalPrincipal(PrincipalType.KEY, stored.principal()),
				credential(stored.id())) : null;
	}

	/**
	 * Whether a credential still proves its principal: a key's until it is revoked; tokens and certificates are
	 * checked when they are presented.
	 */
	public boolean isActive(String credential) {
		return !credential.startsWith(KEY_CREDENTIAL) || this.activeIds.contains(credential.substring(KEY_CREDENTIAL.length()));
	}

	/** The credential string of a key id, as carried by the connections the key opened. */
	public static String credential(String keyId) {
		return KEY_CREDENTIAL + keyId;
	}

	/**
	 * Creates a key principal.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for a name breaking the topic-name rule,
	 * {@link ErrorCode#PRINCIPAL_EXISTS}, {@link ErrorCode#RESOURCE_LIMIT} past {@code caudal.security.max-principals}
	 */
	@Transactional
	public void createPrincipal(String name) {
		checkName(name);
		if (exists(name) || CaudalPrincipal.ADMIN.name().equals(name)) {
			throw new CaudalException(ErrorCode.PRINCIPAL_EXISTS, "Principal 'key:" + name + "' already exists.");
		}
		long count = this.jdbc.sql("SELECT COUNT(*) FROM principals").query(Long.class).single();
		if (count >= this.settings.maxPrincipals()) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds caudal.security.max-principals ("
					+ this.settings.maxPrincipals() + ") principals; delete some first.",
					Map.of("limit", this.settings.maxPrincipals()));
		}
		this.jdbc.sql("INSERT INTO principals (name, created_at) VALUES (?, ?)")
			.params(name, System.currentTimeMillis())
			.update();
	}

	/**
	 * Every key principal, sorted by name: in Java, since the database's order of text follows its collation
	 * (PostgreSQL's, its locale), and the answer must not depend on the database.
	 */
	public List<String> principals() {
		return this.jdbc.sql("SELECT name FROM principals").query(String.class).list().stream().sorted().toList();
	}

	/**
	 * Makes a key for a principal; the only time the key itself is seen. The key is taken into memory after its
	 * row is committed, under the monitor of {@link #reload}: a reload reading the table before the commit would
	 * otherwise drop it again until the next sync interval.
	 * @throws CaudalException {@link ErrorCode#PRINCIPAL_NOT_FOUND}, {@link ErrorCode#RESOURCE_LIMIT} past
	 * {@code caudal.security.max-keys-per-principal}
	 */
	public synchronized NewKey createKey(String principal) {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		StoredKey stored = new StoredKey(UUID.randomUUID().toString(), principal, hash(key), Instant.now());
		this.transactions.executeWithoutResult(status -> insert(stored));
		add(stored);
		return new NewKey(stored.id(), key, stored.createdAt());
	}

	private void insert(StoredKey stored) {
		requirePrincipal(stored.principal());
		long count = this.jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE principal = ?")
			.param(stored.principal())
			.query(Long.class)
			.single();
		int limit = this.settings.maxKeysPerPrincipal();
		if (count >= limit) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal 'key:" + stored.principal() + "' has "
					+ "caudal.security.max-keys-per-principal (" + limit + ") keys; revoke one first.",
					Map.of("limit", limit));
		}
		this.jdbc.sql("INSERT INTO api_keys (id, principal, key_hash, created_at) VALUES (?, ?, ?, ?)")
			.params(stored.id(), stored.principal(), stored.hash(), stored.createdAt().toEpochMilli())
			.update();
		this.changes.record();
	}

	/** A principal's keys, oldest first (then by id, sorted in Java as {@link #principals} are), without the keys. */
	public List<KeyInfo> keys(String principal) {
		requirePrincipal(principal);
		return this.jdbc.sql("SELECT id, created_at FROM api_keys WHERE principal = ?")
			.param(principal)
			.query((rs, row) -> new KeyInfo(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("created_at"))))
			.list()
			.stream()
			.sorted(Comparator.comparing(KeyInfo::createdAt).thenComparing(KeyInfo::id))
			.toList();
	}

	/**
	 * Revokes a key: it authenticates nothing from now on. As with {@link #createKey}, memory follows the commit
	 * under the monitor of {@link #reload}, which would otherwise bring the key back from a read before the commit.
	 * @throws CaudalException {@link ErrorCode#PRINCIPAL_NOT_FOUND}, {@link ErrorCode#KEY_NOT_FOUND}
	 */
	public synchronized void revoke(String principal, String keyId) {
		this.transactions.executeWithoutResult(status -> delete(principal, keyId));
		forget(keyId);
	}

	private void delete(String principal, String keyId) {
		requirePrincipal(principal);
		int deleted = this.jdbc.sql("DELETE FROM api_keys WHERE principal = ? AND id = ?")
			.params(principal, keyId)
			.update();
		if (deleted == 0) {
			throw new CaudalException(ErrorCode.KEY_NOT_FOUND,
					"Principal 'key:" + principal + "' has no key '" + keyId + "'.");
		}
		this.changes.record();
	}

	/**
	 * Takes in keys made and revoked by other nodes: a key revoked there stops working here, and what it holds open
	 * closes.
	 */
	@EventListener
	synchronized void reload(SecurityChanges.Reload event) {
		Set<String> current = new HashSet<>();
		for (StoredKey key : stored()) {
			current.add(key.id());
			if (!this.activeIds.contains(key.id())) {
				add(key);
			}
		}
		this.activeIds.stream()
			.filter(id -> !current.contains(id) && !BOOTSTRAP_ID.equals(id))
			.toList()
			.forEach(this::forget);
	}

	private void forget(String keyId) {
		this.byHash.values().removeIf(key -> key.id().equals(keyId));
		this.activeIds.remove(keyId);
		this.events.publishEvent(new CredentialRevoked(credential(keyId)));
	}

	private List<StoredKey> stored() {
		return this.jdbc.sql("SELECT id, principal, key_hash, created_at FROM api_keys")
			.query((rs, row) -> new StoredKey(rs.getString("id"), rs.getString("principal"), rs.getString("key_hash"),
					Instant.ofEpochMilli(rs.getLong("created_at"))))
			.list();
	}

	private void add(StoredKey key) {
		this.byHash.put(key.hash(), key);
		this.activeIds.add(key.id());
	}

	private void requirePrincipal(String name) {
		if (!exists(name)) {
			throw new CaudalException(ErrorCode.PRINCIPAL_NOT_FOUND, "Principal 'key:" + name + "' does not exist.");
		}
	}

	private boolean exists(String name) {
		return this.jdbc.sql("SELECT COUNT(*) FROM principals WHERE name = ?").param(name).query(Long.class).single() > 0;
	}

	private static void checkName(String name) {
		String problem = TopicName.problem("Principal name", name);
		if (problem != null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, problem);
		}
	}

	static String hash(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	/** A key as made: shown to its creator once. */
	public record NewKey(String id, String key, Instant createdAt) {
	}

	/** A key as listed: never the key itself. */
	public record KeyInfo(String id, Instant createdAt) {
	}

	private record StoredKey(String id, String principal, String hash, Instant createdAt) {
	}

}
