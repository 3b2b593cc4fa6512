package io.caudal.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.caudal.CaudalApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole Caudal on a random port over a given data directory, for tests that restart the
 * server on the same files.
 */
public final class CaudalServer implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private CaudalServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts Caudal.
	 * @param properties extra settings as {@code name=value}; like the data directory and the port,
	 * they are passed as command-line arguments so they win over application.properties
	 */
	public static CaudalServer start(Path dataDir, String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--caudal.data-dir=" + dataDir));
		for (String property : properties) {
			args.add("--" + property);
		}
		return new CaudalServer(new SpringApplicationBuilder(CaudalApplication.class).run(args.toArray(String[]::new)));
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public TestHttp http() {
		return new TestHttp(port());
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
