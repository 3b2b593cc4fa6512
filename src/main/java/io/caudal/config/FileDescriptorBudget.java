package io.caudal.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the partition files Caudal keeps open into the process's open-file limit, next to the connections Tomcat may
 * accept, and says what the limit should be when it is too low: start-up never fails for lack of descriptors, it
 * keeps fewer files open instead.
 */
final class FileDescriptorBudget {

	private static final Logger logger = LoggerFactory.getLogger(FileDescriptorBudget.class);

	/** Descriptors for everything else: the JVM's own files, the database, listening sockets, pipes. */
	static final int RESERVED = 256;

	/** Fewer partition files than this would reopen files on nearly every read. */
	static final int MIN_OPEN_FILES = 16;

	private FileDescriptorBudget() {
	}

	/**
	 * @param maxOpenFiles {@code caudal.max-open-files}
	 * @param maxConnections {@code server.tomcat.max-connections}
	 * @return the partition files to keep open at most
	 */
	static int openFiles(int maxOpenFiles, int maxConnections) {
		return openFiles(maxOpenFiles, maxConnections, processLimit());
	}

	/** @param limit the process's open-file limit, or -1 when unknown */
	static int openFiles(int maxOpenFiles, int maxConnections, long limit) {
		long needed = (long) maxOpenFiles + maxConnections + RESERVED;
		if (limit < 0) {
			logger.info("The open-file limit of this process is unknown; Caudal may need {} descriptors.", needed);
			return maxOpenFiles;
		}
		if (limit >= needed) {
			logger.info("Open files: the process may open {}; Caudal needs at most {} ({} partition files, {} "
					+ "connections, {} for the JVM and the database).", limit, needed, maxOpenFiles, maxConnections,
					RESERVED);
			return maxOpenFiles;
		}
		int fitted = (int) Math.max(MIN_OPEN_FILES, Math.min(maxOpenFiles, (limit - RESERVED) / 2));
		logger.warn("Open files: the process may open {}, but Caudal needs up to {} ({} partition files "
				+ "(caudal.max-open-files), {} connections (server.tomcat.max-connections), {} for the JVM and the "
				+ "database). It keeps at most {} partition files open; connections past what remains are refused. "
				+ "Raise the limit with 'ulimit -n {}', or lower those two settings.", limit, needed, maxOpenFiles,
				maxConnections, RESERVED, fitted, needed);
		return fitted;
	}

	private static long processLimit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return -1;
	}

}
