package io.caudal.topic;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The per-topic meters: records and bytes in and out, produce and fetch latency. They carry a
 * {@code topic} tag and go with their topic when it is deleted, so creating and deleting topics
 * never piles up meters.
 */
public final class TopicMeters {

	private TopicMeters() {
	}

	static void produced(MeterRegistry meters, String topic, int records, long bytes, long nanos) {
		Counter.builder("caudal.records.in").tag("topic", topic).description("Records produced").register(meters)
			.increment(records);
		Counter.builder("caudal.bytes.in")
			.tag("topic", topic)
			.description("Key, value and header bytes produced")
			.register(meters)
			.increment(bytes);
		Timer.builder("caudal.produce.latency")
			.tag("topic", topic)
			.description("Time from receiving a produce request to its durable acknowledgement")
			.register(meters)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/** Records that left for a client: an answer, a frame or an event was written with them. */
	static void delivered(MeterRegistry meters, String topic, int records, long bytes) {
		if (records == 0) {
			return;
		}
		Counter.builder("caudal.records.out")
			.tag("topic", topic)
			.description("Records delivered to clients: HTTP fetches and polls, WebSocket frames, events")
			.register(meters)
			.increment(records);
		Counter.builder("caudal.bytes.out")
			.tag("topic", topic)
			.description("Key, value and header bytes delivered to clients")
			.register(meters)
			.increment(bytes);
	}

	static void fetchLatency(MeterRegistry meters, String topic, long nanos) {
		Timer.builder("caudal.fetch.latency")
			.tag("topic", topic)
			.description("Time to answer an HTTP fetch, long-poll wait included")
			.register(meters)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/** Removes every meter tagged with the topic, whoever registered it. */
	public static void remove(MeterRegistry meters, String topic) {
		List<Meter> tagged = meters.getMeters()
			.stream()
			.filter(meter -> topic.equals(meter.getId().getTag("topic")))
			.toList();
		tagged.forEach(meters::remove);
	}

}
