package io.caudal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;

import io.caudal.log.RecordBatches.BatchHeader;

/**
 * Walks the record batches of a segment file from one position to another, checking each batch's framing and, if
 * asked, its CRC, and stops at the first that fails: how loading and recovery find where a log really ends.
 * Stateless.
 */
final class BatchScan {

	/** The bytes read at once while walking batch headers. */
	static final int WINDOW_BYTES = 64 * 1024;

	private BatchScan() {
	}

	/**
	 * Where a scan stopped.
	 *
	 * @param validBytes the position after the last acceptable batch
	 * @param problem why the scan stopped before the end, or null
	 */
	record ScanResult(int validBytes, String problem) {
	}

	/** Sees each batch that passed the checks. */
	@FunctionalInterface
	interface Visitor {

		/** Returns why the batch is not acceptable, or null to go on. */
		String visit(BatchHeader header, int position) throws IOException;

	}

	/** Walks the batches in {@code [from, to)} of {@code channel}. */
	static ScanResult scan(FileChannel channel, int from, int to, boolean checkCrc, Visitor visitor)
			throws IOException {
		FileWindow reader = new FileWindow(channel, to, () -> WINDOW_BYTES, false);
		int position = from;
		while (position < to) {
			if (to - position < RecordBatches.HEADER_SIZE) {
				return new ScanResult(position, "the last " + (to - position) + " bytes are too few for a batch");
			}
			BatchHeader header;
			try {
				header = RecordBatches.header(reader.slice(position, RecordBatches.HEADER_SIZE), 0);
				if (header.sizeInBytes() > to - position) {
					return new ScanResult(position, "the batch of " + header.sizeInBytes() + " bytes at position "
							+ position + " is cut short after " + (to - position) + " bytes");
				}
				if (checkCrc) {
					RecordBatches.ensureValid(reader.slice(position, header.sizeInBytes()));
				}
			}
			catch (CorruptRecordException ex) {
				return new ScanResult(position, ex.getMessage());
			}
			String problem = visitor.visit(header, position);
			if (problem != null) {
				return new ScanResult(position, problem);
			}
			position += header.sizeInBytes();
		}
		return new ScanResult(position, null);
	}

}
