package io.caudal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Caudal's settings, prefix {@code caudal}; the README's settings table lists each with its
 * default and unit.
 *
 * @param dataDir where partitions and, by default, the H2 database live
 * @param maxPartitions the most partitions one topic may have
 * @param maxRequestSize the largest request body accepted; larger ones are answered 413
 * @param logWriterThreads threads that write and fsync partitions (each partition uses one)
 * @param retentionCheckInterval how often retention looks for segments to delete
 * @param fetch the caps applied to fetch requests
 * @param cors the origins allowed to call from a browser
 */
@ConfigurationProperties("caudal")
public record CaudalProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("1000") int maxPartitions,
		@DefaultValue("16MB") DataSize maxRequestSize, @DefaultValue("2") int logWriterThreads,
		@DefaultValue("1m") Duration retentionCheckInterval,
		@DefaultValue Fetch fetch, @DefaultValue Cors cors) {

	/**
	 * Caps on what one fetch may ask for; larger values are lowered to these.
	 * @param maxRecords the most records in one answer
	 * @param maxBytes the most record bytes in one answer (one record may exceed it)
	 * @param maxWait the longest a long poll waits
	 * @param maxWaitingPolls the most long polls waiting at once; past it a poll answers at once
	 */
	public record Fetch(@DefaultValue("10000") int maxRecords, @DefaultValue("8MB") DataSize maxBytes,
			@DefaultValue("30s") Duration maxWait, @DefaultValue("10000") int maxWaitingPolls) {
	}

	/** @param allowedOrigins browser origins allowed beyond the same origin, for REST and WebSocket alike */
	public record Cors(@DefaultValue List<String> allowedOrigins) {
	}

}
