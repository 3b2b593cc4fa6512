package io.caudal.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time goes, from a JFR recording: the {@code jdk.ExecutionSample} events (threads
 * running Java code) between {@code from} and {@code to} (epoch ms), counted by thread, by top
 * frame (self time), by first Caudal frame, and by every method on the stack (inclusive); and the
 * {@code jdk.NativeMethodSample} events (threads in native code: socket reads, fsync, waits) by
 * top frame. Prints markdown.
 */
final class JfrSummary {

	static void run(Options options) throws Exception {
		Path file = Path.of(options.string("file"));
		Instant from = Instant.ofEpochMilli(options.number("from", 0));
		Instant to = Instant.ofEpochMilli(options.number("to", Long.MAX_VALUE / 2));
		int top = options.integer("top", 15);
		String prefix = options.string("package", "io.caudal.");
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> firstOwn = new HashMap<>();
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> nativeTop = new HashMap<>();
		int samples = 0;
		int nativeSamples = 0;
		double jvmCpu = 0;
		double machineCpu = 0;
		int cpuLoads = 0;
		int collections = 0;
		double pauseMs = 0;
		double longestPauseMs = 0;
		try (RecordingFile recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				RecordedEvent event = recording.readEvent();
				String name = event.getEventType().getName();
				if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
					continue;
				}
				if (name.equals("jdk.CPULoad")) {
					jvmCpu += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
					machineCpu += event.getFloat("machineTotal");
					cpuLoads++;
					continue;
				}
				if (name.equals("jdk.GarbageCollection")) {
					collections++;
					double ms = event.getDuration("sumOfPauses").toNanos() / 1e6;
					pauseMs += ms;
					longestPauseMs = Math.max(longestPauseMs, event.getDuration("longestPause").toNanos() / 1e6);
					continue;
				}
				boolean execution = name.equals("jdk.ExecutionSample");
				if (!execution && !name.equals("jdk.NativeMethodSample")) {
					continue;
				}
				RecordedStackTrace stack = event.getStackTrace();
				if (stack == null || stack.getFrames().isEmpty()) {
					continue;
				}
				List<RecordedFrame> frames = stack.getFrames();
				if (!execution) {
					if (IDLE_NATIVE.contains(frame(frames.get(0)))) {
						continue;
					}
					nativeSamples++;
					nativeTop.merge(frame(frames.get(0)) + " ← " + firstBelow(frames, prefix), 1, Integer::sum);
					continue;
				}
				samples++;
				RecordedThread thread = event.getThread("sampledThread");
				threads.merge(threadGroup(thread), 1, Integer::sum);
				self.merge(frame(frames.get(0)), 1, Integer::sum);
				firstOwn.merge(firstBelow(frames, prefix), 1, Integer::sum);
				Set<String> seen = new HashSet<>();
				for (RecordedFrame frame : frames) {
					String method = frame(frame);
					if (seen.add(method)) {
						inclusive.merge(method, 1, Integer::sum);
					}
				}
			}
		}
		double seconds = Math.max(1, java.time.Duration.between(from, to).toMillis()) / 1000.0;
		System.out.printf("Window %.1f s. CPU (jdk.CPULoad, mean): Caudal's JVM %.0f%%, whole machine %.0f%% of %d cores. "
				+ "GC: %d collections, %.0f ms paused in all, longest %.1f ms. Samples: %d running Java, %d in native "
				+ "code other than waiting for connections or events.%n", seconds, 100 * jvmCpu / Math.max(cpuLoads, 1),
				100 * machineCpu / Math.max(cpuLoads, 1), Runtime.getRuntime().availableProcessors(), collections,
				pauseMs, longestPauseMs, samples, nativeSamples);
		print("Threads running Java code", threads, samples, top);
		print("Top frames (self)", self, samples, top);
		print("First " + prefix + "* frame on the stack", firstOwn, samples, top);
		print("Methods on the stack (inclusive)", inclusive, samples, top + 10);
		print("Threads in native code, by top frame (jdk.NativeMethodSample)", nativeTop, nativeSamples, 8);
	}

	/** Native frames of threads that wait for work: left out of the native table. */
	private static final Set<String> IDLE_NATIVE = Set.of("Net.accept", "EPoll.wait", "Net.poll", "Object.wait",
			"Unsafe.park", "Thread.sleep");

	private static void print(String title, Map<String, Integer> counts, int total, int top) {
		System.out.println();
		System.out.println("| " + title + " | samples | % |");
		System.out.println("|---|---:|---:|");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach(e -> System.out.printf("| `%s` | %d | %.1f |%n", e.getKey().replace("|", "\\|"), e.getValue(),
					100.0 * e.getValue() / Math.max(total, 1)));
	}

	private static String frame(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
	}

	private static String firstBelow(List<RecordedFrame> frames, String prefix) {
		for (RecordedFrame frame : frames) {
			if (frame.getMethod().getType().getName().startsWith(prefix)) {
				return frame(frame);
			}
		}
		return "(no " + prefix + " frame)";
	}

	/** A thread's name with its numbers folded, so that pool threads count together. */
	private static String threadGroup(RecordedThread thread) {
		String name = (thread != null && thread.getJavaName() != null) ? thread.getJavaName() : "?";
		return name.replaceAll("\\d+", "N");
	}

	private JfrSummary() {
	}

}
