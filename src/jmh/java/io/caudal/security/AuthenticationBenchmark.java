package io.caudal.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.caudal.config.CaudalProperties;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * The per-request cost of security, in microseconds: identifying the caller from its bearer token, as an API key
 * ({@link CallerTokens} over {@link ApiKeys}: a SHA-256 and one map lookup) or as a JWT (RS256, 2048-bit key,
 * checked by Spring's {@link NimbusJwtDecoder}); deciding one WRITE to a topic ({@link AccessControl#allows}); and
 * a key and that decision together, which the issue wants at 10 µs or less. The server holds 100 key principals
 * with 10 ACLs each (1,000 in all): LITERAL and PREFIXED, topics, groups and the cluster, and one DENY each, none
 * of which refuses the write measured, so every decision reads the caller's whole list.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthenticationBenchmark {

	private static final int PRINCIPALS = 100;

	/** Callers taking turns; a power of two so the next one is a mask, not a division. */
	private static final int CALLERS = 16;

	private static final String TOPIC = "orders-17";

	private Path dir;

	private JdbcClient jdbc;

	private CallerTokens keysOnly;

	private CallerTokens withJwt;

	private AccessControl access;

	private final BearerTokenAuthenticationToken[] keys = new BearerTokenAuthenticationToken[CALLERS];

	private final BearerTokenAuthenticationToken[] jwts = new BearerTokenAuthenticationToken[CALLERS];

	private final CaudalPrincipal[] principals = new CaudalPrincipal[CALLERS];

	private int next;

	@Setup(Level.Trial)
	public void setUp() throws IOException, NoSuchAlgorithmException, JOSEException {
		this.dir = Files.createTempDirectory("caudal-auth-bench-");
		// Kept open between connections: DriverManagerDataSource opens one per statement, and reopening the file
		// for each of the thousands of statements below would make the setup slow.
		DataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:file:" + this.dir.resolve("caudal") + ";DB_CLOSE_DELAY=-1", "sa", "");
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
		this.jdbc = JdbcClient.create(dataSource);
		CaudalProperties properties = new Binder(
				new MapConfigurationPropertySource(Map.of("caudal.security.enabled", "true")))
			.bindOrCreate("caudal", CaudalProperties.class);
		ApplicationEventPublisher events = (event) -> {
		};

		SecurityChanges changes = new SecurityChanges(this.jdbc, events, properties);
		ApiKeys apiKeys = new ApiKeys(this.jdbc, new DataSourceTransactionManager(dataSource), properties, events, changes);
		AclStore acls = new AclStore(this.jdbc, properties, events, changes);
		String[] made = new String[PRINCIPALS];
		for (int p = 0; p < PRINCIPALS; p++) {
			String name = "svc-%02d".formatted(p);
			apiKeys.createPrincipal(name);
			made[p] = apiKeys.createKey(name).key();
			addAcls(acls, new CaudalPrincipal(PrincipalType.KEY, name), name);
		}
		for (int i = 0; i < CALLERS; i++) {
			// Spread over the principals, so the callers' ACL lists are not neighbours in memory.
			int p = i * (PRINCIPALS / CALLERS);
			this.keys[i] = new BearerTokenAuthenticationToken(made[p]);
			this.principals[i] = new CaudalPrincipal(PrincipalType.KEY, "svc-%02d".formatted(p));
		}
		this.access = new AccessControl(properties, provider(AclStore.class, acls));

		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		RSASSASigner signer = new RSASSASigner(pair.getPrivate());
		for (int i = 0; i < CALLERS; i++) {
			// A jti, as most identity providers issue, spares the principal converter hashing the whole token.
			JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("svc-%02d@example.com".formatted(i))
				.jwtID(UUID.randomUUID().toString())
				.issuer("https://idp.example.com")
				.issueTime(new Date())
				.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
			jwt.sign(signer);
			this.jwts[i] = new BearerTokenAuthenticationToken(jwt.serialize());
		}
		JwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) pair.getPublic()).build();

		SocketTickets tickets = new SocketTickets(apiKeys, this.jdbc);
		this.keysOnly = new CallerTokens(apiKeys, tickets, provider(JwtDecoder.class, null), properties,
				new StandardEnvironment());
		this.withJwt = new CallerTokens(apiKeys, tickets, provider(JwtDecoder.class, decoder), properties,
				new StandardEnvironment());

		// A benchmark of a refusal, or of a token that fails, would measure the exception, not the check.
		for (int i = 0; i < CALLERS; i++) {
			check(this.access.allows(this.principals[i], AclOperation.WRITE, ResourceType.TOPIC, TOPIC), "allowed");
			check(this.keysOnly.authenticate(this.keys[i]).getPrincipal().equals(this.principals[i]), "key");
			check(this.withJwt.authenticate(this.jwts[i]).isAuthenticated(), "jwt");
		}
		check(!this.access.allows(this.principals[0], AclOperation.WRITE, ResourceType.TOPIC, "orders-internal"),
				"denied");
	}

	/** Ten ACLs like a service's: its own topics and group, shared prefixes, a wildcard, and one DENY. */
	private static void addAcls(AclStore acls, CaudalPrincipal principal, String name) {
		acls.create(acl(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, principal, AclOperation.WRITE));
		acls.create(acl(ResourceType.TOPIC, "payments-", PatternType.PREFIXED, principal, AclOperation.READ));
		acls.create(acl(ResourceType.TOPIC, "audit", PatternType.LITERAL, principal, AclOperation.READ));
		acls.create(acl(ResourceType.TOPIC, name + "-events", PatternType.LITERAL, principal, AclOperation.ALL));
		acls.create(acl(ResourceType.TOPIC, name + "-dlq", PatternType.LITERAL, principal, AclOperation.WRITE));
		acls.create(acl(ResourceType.TOPIC, PatternType.WILDCARD, PatternType.LITERAL, principal,
				AclOperation.DESCRIBE));
		acls.create(acl(ResourceType.GROUP, name + "-", PatternType.PREFIXED, principal, AclOperation.READ));
		acls.create(acl(ResourceType.GROUP, "billing", PatternType.LITERAL, principal, AclOperation.READ));
		acls.create(acl(ResourceType.CLUSTER, ResourceType.CLUSTER_NAME, PatternType.LITERAL, principal,
				AclOperation.DESCRIBE));
		acls.create(new AclBinding(ResourceType.TOPIC, "orders-internal", PatternType.LITERAL, principal,
				AclOperation.WRITE, Permission.DENY));
	}

	private static AclBinding acl(ResourceType type, String name, PatternType pattern, CaudalPrincipal principal,
			AclOperation operation) {
		return new AclBinding(type, name, pattern, principal, operation, Permission.ALLOW);
	}

	private static <T> ObjectProvider<T> provider(Class<T> type, T bean) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		if (bean != null) {
			beans.addBean("bean", bean);
		}
		return beans.getBeanProvider(type);
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Setup is wrong: " + what);
		}
	}

	private int nextCaller() {
		this.next = (this.next + 1) & (CALLERS - 1);
		return this.next;
	}

	@Benchmark
	public Authentication apiKey() {
		return this.keysOnly.authenticate(this.keys[nextCaller()]);
	}

	@Benchmark
	public Authentication jwt() {
		return this.withJwt.authenticate(this.jwts[nextCaller()]);
	}

	@Benchmark
	public boolean acl() {
		return this.access.allows(this.principals[nextCaller()], AclOperation.WRITE, ResourceType.TOPIC, TOPIC);
	}

	@Benchmark
	public boolean apiKeyAndAcl() {
		Authentication caller = this.keysOnly.authenticate(this.keys[nextCaller()]);
		return this.access.allows(AccessControl.principalOf(caller), AclOperation.WRITE, ResourceType.TOPIC, TOPIC);
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.jdbc.sql("SHUTDOWN").update();
		try (Stream<Path> files = Files.walk(this.dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
