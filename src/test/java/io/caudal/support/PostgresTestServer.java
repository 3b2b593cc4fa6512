package io.caudal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One PostgreSQL server for the whole test run, started by the tests themselves from Debian's {@code postgresql}
 * package ({@code initdb} and {@code pg_ctl}, nothing downloaded) in a temporary folder, on a free port of
 * 127.0.0.1. Each application context takes a {@link #newDatabase() database of its own} on it, so contexts share
 * the server's start-up cost but never their rows.
 *
 * <p>
 * PostgreSQL refuses to run as root, which every machine here is, so as root the server is run as the
 * {@code postgres} user that the package creates; that is also why zonky's embedded PostgreSQL is not used. The
 * server trades durability for speed ({@code fsync=off}): its files are deleted when the JVM exits, by a shutdown
 * hook that stops it first.
 *
 * <p>
 * A test that needs it never skips: where PostgreSQL is missing, {@link #shared()} throws and says what to install.
 * Thread-safe.
 */
public final class PostgresTestServer {

	/** Where Debian installs each major version: {@code /usr/lib/postgresql/<version>/bin}. */
	private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");

	/** The database user, with no password; also the system user that runs the server when the tests run as root. */
	public static final String USER = "postgres";

	private static final int LOG_TAIL_LINES = 40;

	private static PostgresTestServer shared;

	private final Path root;

	private final Path dataDir;

	private final Path serverLog;

	private final Path bin;

	private final int port;

	private final AtomicInteger databases = new AtomicInteger();

	private PostgresTestServer(Path bin, Path root, int port) {
		this.bin = bin;
		this.root = root;
		this.dataDir = root.resolve("data");
		this.serverLog = root.resolve("server.log");
		this.port = port;
	}

	/**
	 * The server of this test run, started on first use.
	 * @throws IllegalStateException when PostgreSQL is not installed or does not start, with the end of its log
	 */
	public static synchronized PostgresTestServer shared() {
		if (shared == null) {
			shared = start();
		}
		return shared;
	}

	/**
	 * Creates an empty database with a name not used before on this server. It collates text as {@code en-US}
	 * (ICU, PostgreSQL 15 or later), as servers set up with an English locale do, not in code-point order as H2
	 * does: an answer whose order the database decided comes out differently on the two, and a test sees it.
	 * @return its JDBC URL; the user is {@link #USER}, with no password
	 */
	public String newDatabase() {
		String name = "caudal_" + this.databases.incrementAndGet();
		try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create database " + name + " on " + jdbcUrl("postgres") + ":\n"
					+ tail(this.serverLog), ex);
		}
		return jdbcUrl(name);
	}

	/** Points {@code spring.datasource.*} of the context being built at a {@link #newDatabase() new database}. */
	public void useNewDatabase(DynamicPropertyRegistry registry) {
		String url = newDatabase();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", () -> USER);
		registry.add("spring.datasource.password", () -> "");
	}

	private String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	private static PostgresTestServer start() {
		Path bin = findBin();
		try {
			Path root = Files.createTempDirectory("caudal-postgres-");
			PostgresTestServer server = new PostgresTestServer(bin, root, freePort());
			Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "postgres-test-server-stop"));
			if (runsAsRoot()) {
				UserPrincipal postgres = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
				Files.setOwner(root, postgres);
			}
			server.run("initdb", "-D", server.dataDir.toString(), "-A", "trust", "-U", USER, "--no-sync", "-E",
					"UTF8");
			server.run("pg_ctl", "-D", server.dataDir.toString(), "-l", server.serverLog.toString(), "-w", "-o",
					"-p " + server.port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off"
							+ " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
					"start");
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot prepare a PostgreSQL server for the tests", ex);
		}
	}

	/** Runs one of PostgreSQL's programs, as the {@code postgres} user when the tests run as root. */
	private void run(String program, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		if (runsAsRoot()) {
			command.addAll(List.of("runuser", "-u", USER, "--"));
		}
		command.add(this.bin.resolve(program).toString());
		command.addAll(List.of(args));
		// Output goes to a file, not a pipe: the server that pg_ctl leaves running must never block on it.
		Path output = this.root.resolve(program + ".out");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
			.start();
		try {
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not finish within 2 minutes:\n"
						+ tail(output) + tail(this.serverLog));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + program, ex);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue()
					+ ":\n" + tail(output) + tail(this.serverLog));
		}
	}

	private void stopAndDelete() {
		try {
			if (Files.exists(this.dataDir.resolve("postmaster.pid"))) {
				run("pg_ctl", "-D", this.dataDir.toString(), "-m", "immediate", "-w", "stop");
			}
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("The tests' PostgreSQL server did not stop: " + ex.getMessage());
		}
		try (Stream<Path> files = Files.walk(this.root)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			System.err.println("The tests' PostgreSQL folder " + this.root + " was not deleted: " + ex.getMessage());
		}
	}

	/**
	 * The highest version in Debian's layout (what {@code apt-get install postgresql} installs), or else the
	 * folder of {@code pg_ctl} on the PATH.
	 */
	private static Path findBin() {
		if (Files.isDirectory(DEBIAN_VERSIONS)) {
			try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
				var highest = versions.map(version -> version.resolve("bin"))
					.filter(PostgresTestServer::hasPrograms)
					.max(Comparator.comparing(PostgresTestServer::majorVersion));
				if (highest.isPresent()) {
					return highest.get();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
			.filter(folder -> !folder.isEmpty())
			.map(Path::of)
			.filter(PostgresTestServer::hasPrograms)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("These tests need PostgreSQL's initdb and pg_ctl, found "
					+ "neither under " + DEBIAN_VERSIONS + "/<version>/bin nor on the PATH: apt-get install -y "
					+ "postgresql"));
	}

	private static boolean hasPrograms(Path bin) {
		return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
	}

	/** {@code 15} for {@code /usr/lib/postgresql/15/bin}, so that 15 sorts above 9.6; 0 for a name that is no number. */
	private static double majorVersion(Path bin) {
		try {
			return Double.parseDouble(bin.getParent().getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static boolean runsAsRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String tail(Path file) {
		try {
			if (!Files.exists(file)) {
				return "";
			}
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			return "--- " + file + " ---\n"
					+ String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) + "\n";
		}
		catch (IOException ex) {
			return "(" + file + " unreadable: " + ex.getMessage() + ")\n";
		}
	}

}
