package io.caudal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Every call the engine makes on the file system, so that a test can stand in for the disk: inject failures, or
 * keep writes in memory until they are forced and lose the rest at a simulated power cut. A directory's entries
 * (files created, renamed or deleted in it) are durable only after {@link #forceDirectory(Path)}, as on Linux.
 */
interface LogFileSystem {

	/** The machine's file system. */
	LogFileSystem LOCAL = new LocalFileSystem();

	FileChannel open(Path file, OpenOption... options) throws IOException;

	boolean exists(Path path);

	/** When the file's content last changed, in epoch milliseconds. */
	long lastModifiedMs(Path file) throws IOException;

	/** A file's size in bytes, without opening it. */
	long size(Path file) throws IOException;

	/** The entries of a directory, in no particular order. */
	List<Path> list(Path dir) throws IOException;

	void createDirectories(Path dir) throws IOException;

	/** Renames {@code source} over {@code target} atomically. */
	void replace(Path source, Path target) throws IOException;

	/** Deletes a file or an empty directory; false if it was not there. */
	boolean deleteIfExists(Path path) throws IOException;

	/** Makes the creations, renames and deletions in {@code dir} durable. */
	void forceDirectory(Path dir) throws IOException;

}
