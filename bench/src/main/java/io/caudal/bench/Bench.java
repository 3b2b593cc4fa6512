package io.caudal.bench;

import java.util.Arrays;

/**
 * The load generators of {@code bench/run.sh}, one command per workload. Each command is bounded
 * in records and in time, talks to 127.0.0.1 only (the URLs are given by run.sh), and ends with
 * one {@code RESULT key=value …} line on standard output for run.sh to read.
 *
 * <pre>
 * produce      HTTP produce from N producer threads, fixed batch size, for a fixed time
 * fetch        read a topic to its end over HTTP fetch, one reader per partition
 * ws-consume   read a topic over one WebSocket (group member or topic tail) with credit
 * e2e          produce at a fixed rate, time each record until a WebSocket pushes it
 * idle         hold N idle WebSockets (or plain TCP connections) open for a while
 * probe        does the server answer a WebSocket handshake on a path? prints yes or no
 * parallel     run a main class (Kafka's ProducerPerformance) in N threads of one JVM
 * jfr          summarize a JFR recording's execution samples by top frames
 * report       the markdown table and the targets, from run.sh's result files
 * </pre>
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: Bench produce|fetch|ws-consume|e2e|idle|probe|parallel|jfr [--option value]...");
			System.exit(2);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "produce" -> Produce.run(Options.parse(rest));
			case "kafka-produce" -> KafkaProduce.run(Options.parse(rest));
			case "fetch" -> FetchConsumer.run(Options.parse(rest));
			case "ws-consume" -> SocketConsumer.run(Options.parse(rest));
			case "e2e" -> EndToEnd.run(Options.parse(rest));
			case "idle" -> IdleSockets.run(Options.parse(rest));
			case "probe" -> Probe.run(Options.parse(rest));
			case "parallel" -> Parallel.run(rest);
			case "jfr" -> JfrSummary.run(Options.parse(rest));
			case "report" -> Report.run(Options.parse(rest));
			default -> {
				System.err.println("Unknown command '" + args[0] + "'.");
				System.exit(2);
			}
		}
	}

}
