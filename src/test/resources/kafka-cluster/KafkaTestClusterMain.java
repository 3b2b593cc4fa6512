import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Apache Kafka 4.3.1 cluster for Caudal's tests: three KRaft nodes, each a broker and a controller (combined
 * mode), ids 0 to 2, on {@code localhost} ports that stay the same when a broker restarts. Run in its own JVM, in
 * source-file mode, by {@code io.caudal.support.KafkaTestCluster}:
 * {@code java -cp <kafka-cluster classpath> KafkaTestClusterMain.java <directory>}.
 * <p>
 * It is configured as a production cluster would be (production metadata version and features, unstable APIs off,
 * three replicas with two in sync for every internal topic, no automatic topic creation), except where tests gain
 * from it: internal topics have few partitions, so that the first group or transaction is quick; segments are small;
 * broker sessions are short, so that a stopped broker can start again within seconds. Kafka's defaults already leave
 * fsync to the operating system. Data goes to {@code <directory>/data} (deleted on a clean exit), Kafka's log at
 * WARN to {@code <directory>/kafka.log} (configured by {@code log4j2.properties} next to this file).
 * <p>
 * Standard output is the protocol with the parent, and nothing else (what Kafka prints goes to standard error): once
 * the brokers are ready, one line {@code BOOTSTRAP host:port,...}; then one answer, {@code OK} or
 * {@code FAILED <reason>}, to each command read from standard input: {@code stop-broker N} (a controlled shutdown of
 * broker N; its controller keeps running, so the quorum stays whole) and {@code start-broker N} (answered once the
 * controller has unfenced it). When standard input closes, as it does when the parent dies, the cluster shuts
 * down and the JVM exits.
 */
public final class KafkaTestClusterMain {

	private static final int NODES = 3;

	private static final long CLOSE_TIMEOUT_MS = 60_000;

	private static final Map<String, String> BROKER_CONFIG = Map.ofEntries(Map.entry("min.insync.replicas", "2"),
			Map.entry("default.replication.factor", "3"), Map.entry("auto.create.topics.enable", "false"),
			Map.entry("offsets.topic.replication.factor", "3"), Map.entry("offsets.topic.num.partitions", "5"),
			Map.entry("transaction.state.log.replication.factor", "3"), Map.entry("transaction.state.log.min.isr", "2"),
			Map.entry("transaction.state.log.num.partitions", "5"),
			Map.entry("share.coordinator.state.topic.num.partitions", "5"),
			Map.entry("group.initial.rebalance.delay.ms", "0"),
			// Small segments, and indexes no larger than such a segment needs (10 MiB each by default).
			Map.entry("log.segment.bytes", "1048576"), Map.entry("log.index.size.max.bytes", "65536"),
			// A restarted broker can register only once the controller has expired its previous session: 4 s, not 9.
			Map.entry("broker.session.timeout.ms", "4000"), Map.entry("broker.heartbeat.interval.ms", "500"),
			Map.entry("unstable.api.versions.enable", "false"), Map.entry("unstable.feature.versions.enable", "false"));

	private KafkaTestClusterMain() {
	}

	public static void main(String[] args) {
		int status = 0;
		try {
			run(Path.of(args[0]));
		}
		catch (Exception ex) {
			ex.printStackTrace();
			status = 1;
		}
		// Kafka leaves non-daemon threads behind, which would keep the JVM alive.
		System.exit(status);
	}

	private static void run(Path directory) throws Exception {
		PrintStream protocol = System.out;
		System.setOut(System.err);
		MetadataVersion version = MetadataVersion.latestProduction();
		Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
			.collect(Collectors.toMap(Feature::featureName, feature -> feature.defaultLevel(version)));
		TestKitNodes nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(version, features, "caudal"))
			.setCombined(true)
			.setNumBrokerNodes(NODES)
			.setNumControllerNodes(NODES)
			.setBaseDirectory(directory.resolve("data"))
			.build();
		KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
		BROKER_CONFIG.forEach(builder::setConfigProp);
		try (KafkaClusterTestKit cluster = builder.build()) {
			cluster.format();
			// Not cluster.startup(), which starts each node's controller and broker at the same time: in combined
			// mode, when the broker starts the node's Raft client first, the client has no controller endpoint, the
			// leader rejects its UpdateRaftVoter request and its Raft thread dies (Kafka 4.3.1). Kafka's own server
			// (KafkaRaftServer) starts the controller first.
			startAll(cluster.controllers().values(), ControllerServer::startup);
			startAll(cluster.brokers().values(), BrokerServer::startup);
			cluster.waitForReadyBrokers();
			protocol.println("BOOTSTRAP " + cluster.bootstrapServers());
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			for (String command = commands.readLine(); command != null; command = commands.readLine()) {
				protocol.println(execute(cluster, command.strip()));
			}
			haltAfter(CLOSE_TIMEOUT_MS);
		}
	}

	/**
	 * Ends the JVM if closing the cluster takes longer than that: the parent, which kills this JVM after 20 s, may be
	 * gone already.
	 */
	private static void haltAfter(long timeoutMs) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(timeoutMs);
			}
			catch (InterruptedException ex) {
				return;
			}
			System.err.println("The cluster did not close within " + timeoutMs + " ms; halting");
			Runtime.getRuntime().halt(2);
		}, "close-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/** Starts the servers in parallel, as separate machines would, and waits until each has started. */
	private static <S> void startAll(Collection<S> servers, Consumer<S> startup) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(servers.size());
		try {
			List<Future<?>> started = servers.stream()
				.<Future<?>>map(server -> executor.submit(() -> startup.accept(server)))
				.toList();
			for (Future<?> future : started) {
				future.get();
			}
		}
		finally {
			executor.shutdown();
		}
	}

	private static String execute(KafkaClusterTestKit cluster, String command) {
		String[] words = command.split(" ");
		BrokerServer broker = (words.length == 2 && words[1].matches("\\d+"))
				? cluster.brokers().get(Integer.parseInt(words[1])) : null;
		if (broker == null) {
			return "FAILED not a command for one of the brokers " + cluster.brokers().keySet() + ": " + command;
		}
		try {
			switch (words[0]) {
				case "stop-broker" -> broker.shutdown();
				// Returns once the controller has unfenced the broker, so that it takes replicas again.
				case "start-broker" -> broker.startup();
				default -> {
					return "FAILED unknown command: " + command;
				}
			}
			return "OK";
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			return "FAILED " + command + ": " + ex;
		}
	}

}
