import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's side of the "1,000 idle sockets" row: N consumers (plain KafkaConsumer, assigned to one
 * partition at its end, no group), each polling in its own thread as an idle Kafka consumer does
 * (a fetch long-polls for fetch.max.wait.ms, 500 ms by default). Prints "OPEN opened=N failed=M"
 * once every consumer has made its first poll, holds for hold-ms or until stop-file exists, then closes them all.
 * Run with the Kafka classpath as a single-file program:
 * java -cp "$(cat bench/kafka/target/kafka.classpath)" bench/kafka/IdleConsumers.java --bootstrap H:P --topic T --count N --hold-ms MS --stop-file F
 */
public class IdleConsumers {

	public static void main(String[] args) throws Exception {
		String bootstrap = null;
		String topic = null;
		int count = 1000;
		long holdMs = 10_000;
		Path stopFile = Path.of("idle.stop");
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--bootstrap" -> bootstrap = args[i + 1];
				case "--topic" -> topic = args[i + 1];
				case "--count" -> count = Integer.parseInt(args[i + 1]);
				case "--hold-ms" -> holdMs = Long.parseLong(args[i + 1]);
				case "--stop-file" -> stopFile = Path.of(args[i + 1]);
				default -> throw new IllegalArgumentException("Unknown option " + args[i]);
			}
		}
		TopicPartition partition = new TopicPartition(topic, 0);
		CountDownLatch polled = new CountDownLatch(count);
		AtomicLong failed = new AtomicLong();
		AtomicLong records = new AtomicLong();
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2) + TimeUnit.MILLISECONDS.toNanos(holdMs);
		AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Properties props = new Properties();
			props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
			props.put(ConsumerConfig.CLIENT_ID_CONFIG, "idle-" + i);
			props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
			props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
			props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
			Thread thread = new Thread(() -> {
				boolean first = true;
				try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
					consumer.assign(List.of(partition));
					while (System.nanoTime() < Math.min(deadline, stopAt.get())) {
						records.addAndGet(consumer.poll(Duration.ofMillis(1000)).count());
						if (first) {
							first = false;
							polled.countDown();
						}
					}
				}
				catch (Exception ex) {
					failed.incrementAndGet();
					if (first) {
						polled.countDown();
					}
				}
			}, "idle-consumer-" + i);
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		polled.await(2, TimeUnit.MINUTES);
		System.out.println("OPEN opened=" + (count - failed.get()) + " failed=" + failed.get());
		System.out.flush();
		long holdUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs);
		while (System.nanoTime() < holdUntil && !Files.exists(stopFile)) {
			Thread.sleep(100);
		}
		System.out.println("RESULT opened=" + (count - failed.get()) + " failed=" + failed.get() + " records="
				+ records.get());
		System.out.flush();
		stopAt.set(System.nanoTime());
		for (Thread thread : threads) {
			thread.join(5_000);
		}
		System.exit(failed.get() == 0 ? 0 : 1);
	}

}
