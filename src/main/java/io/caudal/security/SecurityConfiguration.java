package io.caudal.security;

import io.caudal.config.CaudalProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.session.StandardManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor;
import org.springframework.security.web.authentication.preauth.x509.X509AuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security for Caudal. Off ({@code caudal.security.enabled=false}, the default): every request is let through
 * and the log says so. On: every request needs an identity (an API key or JWT as a bearer token, the session cookie,
 * a client certificate, or a socket ticket) except the health probes, the console's static page and, unless
 * {@code caudal.security.public-docs=false}, the API document; what each identity may do is then decided by
 * {@link AccessControl}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SecurityConfiguration.class);

	@Bean
	SecurityFilterChain caudalSecurity(HttpSecurity http, CaudalProperties properties, CallerTokens tokens,
			AccessControl access, HttpSessionSecurityContextRepository sessionContexts) throws Exception {
		http.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable);
		if (!properties.security().enabled()) {
			logger.warn("Security is off (caudal.security.enabled=false): every caller is trusted with everything. "
					+ "Turn it on before this server is reachable beyond this machine.");
			return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.build();
		}
		boolean publicDocs = properties.security().publicDocs();
		return http
			// Spring MVC's cross-origin rules (caudal.cors.allowed-origins), applied before authentication so that
			// a browser's preflight, which carries no credentials, is answered.
			.cors(Customizer.withDefaults())
			.authorizeHttpRequests(requests -> requests
				// An error page and a long poll's completing dispatch belong to a request already let in.
				.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
				.permitAll()
				.requestMatchers("/actuator/health/liveness", "/actuator/health/readiness")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**", "/webjars/**", "/favicon.ico")
				.permitAll()
				.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
				.access((authentication, context) -> new AuthorizationDecision(
						publicDocs || authentication.get() != null))
				.requestMatchers("/actuator/**")
				.access((authentication, context) -> new AuthorizationDecision(access.allows(
						AccessControl.principalOf(authentication.get()), AclOperation.DESCRIBE, ResourceType.CLUSTER,
						ResourceType.CLUSTER_NAME)))
				.anyRequest()
				.authenticated())
			.x509(certificates -> certificates.x509AuthenticationFilter(certificateFilter()))
			.oauth2ResourceServer(server -> server.authenticationManagerResolver(request -> tokens)
				.bearerTokenResolver(tokens)
				.authenticationEntryPoint(ProblemResponses.unauthenticated())
				.accessDeniedHandler(ProblemResponses.denied()))
			.exceptionHandling(errors -> errors.authenticationEntryPoint(ProblemResponses.unauthenticated())
				.accessDeniedHandler(ProblemResponses.denied()))
			// Sessions are made only by POST /session, for browsers; every other caller stays stateless.
			.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
			.securityContext(context -> context.securityContextRepository(sessionContexts))
			.csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
				.requireCsrfProtectionMatcher(SecurityConfiguration::authenticatedByCookie))
			.build();
	}

	/**
	 * With {@code server.ssl.client-auth} set, a client certificate the server's trust store accepts identifies
	 * {@code cert:<subject CN>}; a request that also sends a bearer token is identified by the token.
	 */
	private static X509AuthenticationFilter certificateFilter() {
		X509AuthenticationFilter filter = new X509AuthenticationFilter();
		filter.setPrincipalExtractor(new SubjectX500PrincipalExtractor());
		filter.setAuthenticationManager(CertificateIdentities::authenticate);
		filter.setContinueFilterChainOnUnsuccessfulAuthentication(true);
		return filter;
	}

	/**
	 * Caps the browser sessions Tomcat keeps: each is memory until it times out, and any identity may open them.
	 * Past the cap Tomcat refuses to create one, which {@code POST /session} answers 429.
	 */
	@Bean
	TomcatContextCustomizer sessionCap(CaudalProperties properties) {
		return context -> {
			ManagerBase manager = (context.getManager() instanceof ManagerBase existing) ? existing
					: new StandardManager();
			manager.setMaxActiveSessions(properties.security().maxSessions());
			context.setManager(manager);
		};
	}

	/** Where POST /session keeps a browser's identity, and where every request looks for it. */
	@Bean
	HttpSessionSecurityContextRepository sessionContexts(ApiKeys keys) {
		return new SessionContexts(keys);
	}

	/**
	 * Encoded slashes reach the application, which answers them as an unknown topic or group; everything else the
	 * strict firewall refuses is answered as problem details.
	 */
	@Bean
	WebSecurityCustomizer problemAnswersForTheFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowUrlEncodedSlash(true);
		return web -> web.httpFirewall(firewall).requestRejectedHandler(ProblemResponses.rejected());
	}

	/** A write that only the session cookie can have authenticated: the kind a forged cross-site request makes. */
	private static boolean authenticatedByCookie(HttpServletRequest request) {
		String method = request.getMethod();
		boolean safe = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
				|| "TRACE".equals(method);
		return !safe && request.getHeader("Authorization") == null && request.getRequestedSessionId() != null
				&& request.isRequestedSessionIdValid();
	}

}
