package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The names of the files in a partition directory, and the few small writes done on them.
 * <p>
 * A partition directory holds, for each segment, {@code <base offset padded to 20 digits>.log} (record batches),
 * {@code .index} and {@code .timeindex}, exactly as Kafka names them; plus {@value #RECOVERY_POINT} (the base
 * offset of the first segment not known to be fsynced, in decimal) and, only while the log is cleanly closed,
 * {@value #CLEAN_SHUTDOWN}. Stateless and thread-safe.
 */
final class LogFiles {

	static final String LOG_SUFFIX = ".log";

	static final String INDEX_SUFFIX = ".index";

	static final String TIME_INDEX_SUFFIX = ".timeindex";

	static final String TEMP_SUFFIX = ".tmp";

	static final String RECOVERY_POINT = "recovery-point";

	static final String CLEAN_SHUTDOWN = "clean-shutdown";

	private static final int OFFSET_DIGITS = 20;

	private static final int MAX_SMALL_FILE_BYTES = 4096;

	private LogFiles() {
	}

	/** The base offset padded with zeros to 20 digits, as Kafka names segment files. */
	static String filenamePrefixFromOffset(long offset) {
		String digits = Long.toString(offset);
		return "0".repeat(OFFSET_DIGITS - digits.length()) + digits;
	}

	static Path logFile(Path dir, long baseOffset) {
		return dir.resolve(filenamePrefixFromOffset(baseOffset) + LOG_SUFFIX);
	}

	static Path indexFile(Path dir, long baseOffset) {
		return dir.resolve(filenamePrefixFromOffset(baseOffset) + INDEX_SUFFIX);
	}

	static Path timeIndexFile(Path dir, long baseOffset) {
		return dir.resolve(filenamePrefixFromOffset(baseOffset) + TIME_INDEX_SUFFIX);
	}

	static Path recoveryPointFile(Path dir) {
		return dir.resolve(RECOVERY_POINT);
	}

	static Path cleanShutdownFile(Path dir) {
		return dir.resolve(CLEAN_SHUTDOWN);
	}

	/**
	 * The base offset a segment file name encodes, if the name is 20 digits followed by {@code suffix}.
	 */
	static OptionalLong baseOffset(Path file, String suffix) {
		String name = file.getFileName().toString();
		if (name.length() != OFFSET_DIGITS + suffix.length() || !name.endsWith(suffix)) {
			return OptionalLong.empty();
		}
		String digits = name.substring(0, OFFSET_DIGITS);
		if (!digits.chars().allMatch(Character::isDigit)) {
			return OptionalLong.empty();
		}
		try {
			return OptionalLong.of(Long.parseLong(digits));
		}
		catch (NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	/**
	 * Replaces {@code file} with {@code content} so that a crash leaves either the old or the new content: write a
	 * temporary file, fsync it, rename it over the target, fsync the directory.
	 */
	static void writeAtomically(Path file, String content, LogFileSystem fileSystem) throws IOException {
		Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
		try (FileChannel channel = fileSystem.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
			while (bytes.hasRemaining()) {
				channel.write(bytes);
			}
			channel.force(true);
		}
		fileSystem.replace(temp, file);
		fileSystem.forceDirectory(file.getParent());
	}

	/** A small file's content as text, or null if it does not exist. */
	static String readString(Path file, LogFileSystem fileSystem) throws IOException {
		if (!fileSystem.exists(file)) {
			return null;
		}
		try (FileChannel channel = fileSystem.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size > MAX_SMALL_FILE_BYTES) {
				throw new IOException(file + " is " + size + " bytes, more than the " + MAX_SMALL_FILE_BYTES
						+ " it may hold.");
			}
			ByteBuffer bytes = ByteBuffer.allocate((int) size);
			PooledFile.readFully(channel, bytes, 0);
			return new String(bytes.array(), StandardCharsets.UTF_8);
		}
	}

}
