package io.caudal.security;

import java.security.cert.X509Certificate;

import io.caudal.error.CaudalException;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/** Turns a TLS client certificate the server trusts into the principal {@code cert:<subject CN>}. */
final class CertificateIdentities {

	private CertificateIdentities() {
	}

	/** @param presented Spring Security's pre-authenticated token: the CN as principal, the certificate as credentials */
	static Authentication authenticate(Authentication presented) {
		if (!(presented.getPrincipal() instanceof String commonName) || commonName.isEmpty()) {
			throw new BadCredentialsException("The client certificate's subject has no CN to name its principal.");
		}
		CaudalPrincipal principal;
		try {
			principal = CaudalPrincipal.of(PrincipalType.CERT, commonName);
		}
		catch (CaudalException ex) {
			throw new BadCredentialsException("The client certificate's CN is not a principal name: " + ex.getMessage());
		}
		String serial = (presented.getCredentials() instanceof X509Certificate certificate)
				? certificate.getSerialNumber().toString(16) : commonName;
		return new CallerAuthentication(principal, "cert/" + serial);
	}

}
