package io.caudal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens every file channel of the engine, so that tests can inject I/O failures.
 */
@FunctionalInterface
interface ChannelFactory {

	/** Plain {@link FileChannel#open(Path, OpenOption...)}. */
	ChannelFactory DEFAULT = FileChannel::open;

	FileChannel open(Path file, OpenOption... options) throws IOException;

}
