package io.caudal.bench;

import java.util.Arrays;

/**
 * The load generators of {@code bench/run.sh}, one command per workload. Each command is bounded
 * in records and in time, talks to 127.0.0.1 only (the URLs are given by run.sh), and ends with
 * one {@code RESULT key=value …} line on standard output for run.sh (or cluster.sh) to read.
 * produce, fetch, groups and rebalance take several Caudal nodes in {@code --url}, comma-separated:
 * their threads take them in turn.
 *
 * <pre>
 * produce        HTTP produce from N producer threads, fixed batch size, for a fixed time
 * kafka-produce  the same load to Kafka, one KafkaProducer per thread
 * fetch          read a topic to its end over HTTP fetch, one reader per partition
 * ws-consume     read a topic over one WebSocket (group member or topic tail) with credit
 * sse-consume    read a topic over its Server-Sent Events stream
 * e2e            produce at a fixed rate, time each record until a WebSocket pushes it
 * groups         HTTP group members repeating one call (join, poll, heartbeat, commit) for a fixed time
 * rebalance      the time a group of HTTP members takes to settle again after one leaves
 * kafka-e2e      the same with a KafkaProducer and a KafkaConsumer
 * idle           hold N idle WebSockets (or plain TCP connections) open for a while
 * probe          does the server answer a WebSocket handshake on a path? prints yes or no
 * jfr            summarize a JFR recording's execution samples by top frames
 * report         the markdown table and the targets, from run.sh's result files
 * </pre>
 *
 * The kafka-* commands need the broker's classpath ({@code bench/kafka/target/kafka.classpath})
 * after this jar's.
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: Bench produce|kafka-produce|fetch|ws-consume|sse-consume|e2e|kafka-e2e|groups|rebalance|idle|probe"
					+ "|jfr|report"
					+ " [--option value]...");
			System.exit(2);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "produce" -> Produce.run(Options.parse(rest));
			case "kafka-produce" -> KafkaProduce.run(Options.parse(rest));
			case "fetch" -> FetchConsumer.run(Options.parse(rest));
			case "ws-consume" -> SocketConsumer.run(Options.parse(rest));
			case "sse-consume" -> EventStreamConsumer.run(Options.parse(rest));
			case "e2e" -> EndToEnd.run(Options.parse(rest));
			case "kafka-e2e" -> KafkaEndToEnd.run(Options.parse(rest));
			case "groups" -> GroupCalls.run(Options.parse(rest));
			case "rebalance" -> Rebalance.run(Options.parse(rest));
			case "idle" -> IdleSockets.run(Options.parse(rest));
			case "probe" -> Probe.run(Options.parse(rest));
			case "jfr" -> JfrSummary.run(Options.parse(rest));
			case "report" -> Report.run(Options.parse(rest));
			default -> {
				System.err.println("Unknown command '" + args[0] + "'.");
				System.exit(2);
			}
		}
	}

}
