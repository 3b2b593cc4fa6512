package io.caudal.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: which whole segments a partition may delete, by age ({@code retention.ms}, judged by a segment's
 * largest record timestamp) or by size ({@code retention.bytes}), oldest first. Runs on the partition's writer
 * thread, so it never races with a write. Stateless.
 */
final class LogRetention {

	private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

	private LogRetention() {
	}

	/**
	 * Deletes what {@code config} lets go. The active segment is deleted for age only, after rolling a new empty
	 * one, so the log never runs out of segments.
	 * @return the number of segments deleted
	 */
	static int deleteExpiredSegments(LocalLog local, LogAppender appender, LogConfig config, long nowMs) {
		if (!appender.ensureWritable()) {
			return 0;
		}
		List<LogSegment> segments = local.segments();
		LogSegment active = segments.get(segments.size() - 1);
		if (config.retentionMs() >= 0 && active.sizeInBytes() > 0
				&& segments.stream().allMatch(segment -> isExpired(segment, nowMs, config))) {
			// Everything is expired, the active segment too: roll so it can go, leaving one empty segment.
			try {
				local.roll(config);
				local.publish();
			}
			catch (IOException ex) {
				appender.failed(ex);
				log.error("{} - Rolling for retention failed; the partition refuses writes until it can write again.",
						local.name(), ex);
				return 0;
			}
			segments = local.segments();
		}
		List<LogSegment> expired = new ArrayList<>();
		long remainingBytes = local.sizeInBytes();
		for (LogSegment segment : segments) {
			boolean tooLarge = config.retentionBytes() >= 0 && remainingBytes > config.retentionBytes();
			if (local.isActive(segment) || !(tooLarge || isExpired(segment, nowMs, config))) {
				break;
			}
			expired.add(segment);
			remainingBytes -= segment.sizeInBytes();
		}
		if (expired.isEmpty()) {
			return 0;
		}
		long firstKept = local.deleteOldest(expired);
		log.info("{} - Retention deleted {} segments holding offsets [{}, {}); the log now starts at offset {} and "
				+ "holds {} bytes.", local.name(), expired.size(), expired.get(0).baseOffset(), firstKept, firstKept,
				remainingBytes);
		return expired.size();
	}

	private static boolean isExpired(LogSegment segment, long nowMs, LogConfig config) {
		return config.retentionMs() >= 0 && nowMs - segment.maxTimestamp() > config.retentionMs();
	}

}
