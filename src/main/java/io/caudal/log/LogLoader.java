package io.caudal.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.caudal.time.Time;

/**
 * Opens a partition directory into a {@link LocalLog}, in the manner of Kafka's {@code LogLoader}.
 * <p>
 * After a clean close (the {@code clean-shutdown} marker is present) it reads only the index files and the batch
 * headers after each segment's last index entry. Otherwise it recovers the segments from the recovery point on:
 * every batch is read and checked, and the first batch that fails its CRC, framing or offset checks ends the log
 * there (the file is truncated, later segments deleted). Indexes that are missing or fail their checks are rebuilt
 * from the log. Leftover temporary files and indexes without a log file are deleted. Stateless.
 */
final class LogLoader {

	private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

	private LogLoader() {
	}

	/**
	 * @param dir the partition directory, created if missing
	 * @param name the partition's name for log messages, e.g. {@code orders-2}
	 * @throws IOException if the directory or a file cannot be read or written
	 */
	static LocalLog load(Path dir, String name, LogConfig config, Time time, OpenFiles files) throws IOException {
		long startNanos = time.nanoseconds();
		LogFileSystem fileSystem = files.fileSystem();
		if (!fileSystem.exists(dir)) {
			fileSystem.createDirectories(dir);
			fileSystem.forceDirectory(dir.getParent());
		}
		Path cleanShutdown = LogFiles.cleanShutdownFile(dir);
		boolean clean = fileSystem.exists(cleanShutdown);
		TreeSet<Long> bases = segmentBases(dir, name, fileSystem);
		long recoverFrom = clean ? Long.MAX_VALUE
				: Math.min(recoveryPoint(dir, name, fileSystem), bases.isEmpty() ? 0 : bases.last());
		int indexBytes = config.segmentIndexBytes();
		ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
		long bytesCut = 0;
		try {
			long previousEnd = -1;
			for (long base : bases) {
				if (base >= recoverFrom && previousEnd >= 0 && base != previousEnd) {
					log.warn("{} - Segment {} starts at offset {} but the log before it ends at offset {}; the log "
							+ "ends there.", name, LogFiles.logFile(dir, base), base, previousEnd);
					deleteSegmentsFrom(dir, name, bases.tailSet(base, true), fileSystem);
					break;
				}
				LogSegment segment = LogSegment.open(files, dir, base, name, indexBytes);
				segments.put(base, segment);
				long cut = 0;
				boolean intact = true;
				if (base >= recoverFrom) {
					cut = segment.recover(config.indexIntervalBytes());
				}
				else if (!segment.load(config.indexIntervalBytes())) {
					intact = false;
					if (base == bases.last()) {
						cut = segment.recover(config.indexIntervalBytes());
					}
				}
				if (cut > 0) {
					bytesCut += cut;
					deleteSegmentsFrom(dir, name, bases.tailSet(base, false), fileSystem);
					break;
				}
				// A segment with an unreadable batch in the middle has no known end to check the next one against.
				previousEnd = intact ? segment.nextOffset() : -1;
			}
			if (segments.isEmpty()) {
				segments.put(0L, LogSegment.create(files, dir, 0, name, indexBytes));
			}
			if (clean) {
				fileSystem.deleteIfExists(cleanShutdown);
			}
			else {
				LogFiles.writeAtomically(LogFiles.recoveryPointFile(dir), Long.toString(segments.lastKey()), fileSystem);
			}
			// The marker must be gone for good before anything is written that a recovery would have to check.
			fileSystem.forceDirectory(dir);
		}
		catch (IOException | RuntimeException ex) {
			segments.values().forEach(LogSegment::close);
			throw ex;
		}
		LocalLog loaded = new LocalLog(dir, name, files, segments);
		long elapsedMs = (time.nanoseconds() - startNanos) / 1_000_000;
		if (clean) {
			log.info("{} - Opened {} segments holding offsets [{}, {}), {} bytes, after a clean shutdown, in {} ms.",
					name, segments.size(), loaded.logStartOffset(), loaded.logEndOffset(), loaded.sizeInBytes(),
					elapsedMs);
		}
		else {
			log.info("{} - Opened {} segments holding offsets [{}, {}), {} bytes, recovering from offset {} and "
					+ "cutting {} bytes, in {} ms.", name, segments.size(), loaded.logStartOffset(),
					loaded.logEndOffset(), loaded.sizeInBytes(), Math.min(recoverFrom, segments.lastKey()), bytesCut,
					elapsedMs);
		}
		return loaded;
	}

	/** The base offsets of the segments in {@code dir}; deletes leftover temporary files and orphan indexes. */
	private static TreeSet<Long> segmentBases(Path dir, String name, LogFileSystem fileSystem) throws IOException {
		TreeSet<Long> bases = new TreeSet<>();
		List<Path> indexes = new ArrayList<>();
		for (Path file : fileSystem.list(dir)) {
			String fileName = file.getFileName().toString();
			OptionalLong base = LogFiles.baseOffset(file, LogFiles.LOG_SUFFIX);
			if (base.isPresent()) {
				bases.add(base.getAsLong());
			}
			else if (fileName.endsWith(LogFiles.TEMP_SUFFIX)) {
				fileSystem.deleteIfExists(file);
			}
			else if (LogFiles.baseOffset(file, LogFiles.INDEX_SUFFIX).isPresent()
					|| LogFiles.baseOffset(file, LogFiles.TIME_INDEX_SUFFIX).isPresent()) {
				indexes.add(file);
			}
		}
		for (Path index : indexes) {
			String suffix = index.toString().endsWith(LogFiles.INDEX_SUFFIX) ? LogFiles.INDEX_SUFFIX
					: LogFiles.TIME_INDEX_SUFFIX;
			if (!bases.contains(LogFiles.baseOffset(index, suffix).getAsLong())) {
				log.warn("{} - Deleting {}: its segment's log file is missing.", name, index);
				fileSystem.deleteIfExists(index);
			}
		}
		return bases;
	}

	/** The recovery point from its file; 0 (recover everything) if it is missing or unreadable. */
	private static long recoveryPoint(Path dir, String name, LogFileSystem fileSystem) throws IOException {
		Path file = LogFiles.recoveryPointFile(dir);
		String content = LogFiles.readString(file, fileSystem);
		if (content == null) {
			return 0;
		}
		try {
			return Long.parseLong(content.trim());
		}
		catch (NumberFormatException ex) {
			log.warn("{} - {} holds '{}', not an offset; recovering every segment.", name, file, content.trim());
			return 0;
		}
	}

	private static void deleteSegmentsFrom(Path dir, String name, Set<Long> bases, LogFileSystem fileSystem)
			throws IOException {
		for (long base : bases) {
			log.warn("{} - Deleting segment {}: the log ends before it.", name, LogFiles.logFile(dir, base));
			fileSystem.deleteIfExists(LogFiles.logFile(dir, base));
			fileSystem.deleteIfExists(LogFiles.indexFile(dir, base));
			fileSystem.deleteIfExists(LogFiles.timeIndexFile(dir, base));
		}
	}

}
