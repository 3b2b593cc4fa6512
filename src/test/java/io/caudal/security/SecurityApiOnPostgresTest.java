package io.caudal.security;

import io.caudal.support.PostgresTestServer;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every case of {@link SecurityApiTest} with the server's principals, keys, ACLs and static instance ids in
 * PostgreSQL: created, listed, enforced, revoked and deleted through real HTTP.
 */
class SecurityApiOnPostgresTest extends SecurityApiTest {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresTestServer.shared().useNewDatabase(registry);
	}

}
