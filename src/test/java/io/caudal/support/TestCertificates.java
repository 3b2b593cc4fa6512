package io.caudal.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made for a test with the JDK's keytool: a self-signed server certificate for localhost and
 * self-signed client certificates, each trusted by the other side only when the test says so. Nothing is
 * downloaded and nothing outlives the test's folder.
 */
public final class TestCertificates {

	public static final String PASSWORD = "changeit";

	private final Path dir;

	private TestCertificates(Path dir) {
		this.dir = dir;
	}

	/** A server certificate for localhost, its trust store for clients, and an empty trust store for clients. */
	public static TestCertificates create(Path dir) {
		TestCertificates certificates = new TestCertificates(dir);
		certificates.keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore",
				certificates.path("server.p12"));
		certificates.keytool("-exportcert", "-alias", "server", "-keystore", certificates.path("server.p12"),
				"-file", certificates.path("server.crt"));
		certificates.keytool("-importcert", "-noprompt", "-alias", "server", "-file",
				certificates.path("server.crt"), "-keystore", certificates.path("clients-trust.p12"));
		return certificates;
	}

	/**
	 * Makes a client certificate whose subject CN is {@code commonName}.
	 * @param trusted whether the server's trust store takes it
	 * @return its key store
	 */
	public Path client(String alias, String commonName, boolean trusted) {
		String store = path("client-" + alias + ".p12");
		keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=" + commonName.replace(",", "\\,"), "-validity", "2", "-keystore", store);
		if (trusted) {
			keytool("-exportcert", "-alias", alias, "-keystore", store, "-file", path(alias + ".crt"));
			keytool("-importcert", "-noprompt", "-alias", alias, "-file", path(alias + ".crt"), "-keystore",
					path("server-trust.p12"));
		}
		return Path.of(store);
	}

	public Path serverKeyStore() {
		return this.dir.resolve("server.p12");
	}

	public Path serverTrustStore() {
		return this.dir.resolve("server-trust.p12");
	}

	/** A client's TLS context: trusts the server; presents the client certificate when one is given. */
	public SSLContext clientContext(Path clientKeyStore) {
		try {
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(load(this.dir.resolve("clients-trust.p12")));
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init((clientKeyStore != null) ? load(clientKeyStore) : null, PASSWORD.toCharArray());
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyStore load(Path store) throws GeneralSecurityException, IOException {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keyStore.load(in, PASSWORD.toCharArray());
		}
		return keyStore;
	}

	private String path(String name) {
		return this.dir.resolve(name).toString();
	}

	private void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
		if (List.of(arguments).contains("-genkeypair")) {
			command.addAll(List.of("-keypass", PASSWORD));
		}
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			if (process.waitFor() != 0) {
				throw new IllegalStateException("keytool failed: " + String.join(" ", arguments) + "\n" + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
