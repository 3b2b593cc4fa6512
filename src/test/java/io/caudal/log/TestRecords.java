package io.caudal.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Records and file surgery shared by the engine tests. */
final class TestRecords {

	private TestRecords() {
	}

	static byte[] utf8(String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
	}

	static LogRecord record(String key, String value, long timestamp) {
		return new LogRecord(utf8(key), utf8(value), List.of(), timestamp);
	}

	static LogRecord record(String key, String value, long timestamp, Header... headers) {
		return new LogRecord(utf8(key), utf8(value), List.of(headers), timestamp);
	}

	/** {@code count} records with values {@code prefix-0, prefix-1, ...} and the given timestamp. */
	static List<LogRecord> records(String prefix, int count, long timestamp) {
		List<LogRecord> records = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			records.add(record("k" + i, prefix + "-" + i, timestamp));
		}
		return records;
	}

	/** A random record: sometimes no key, sometimes a tombstone, sometimes headers. */
	static LogRecord randomRecord(Random random, long timestamp, int maxValueBytes) {
		byte[] key = (random.nextInt(5) == 0) ? null : randomBytes(random, random.nextInt(16));
		byte[] value = (random.nextInt(10) == 0) ? null : randomBytes(random, random.nextInt(maxValueBytes + 1));
		List<Header> headers = new ArrayList<>();
		for (int i = random.nextInt(3); i > 0; i--) {
			headers.add(new Header("h" + random.nextInt(100),
					(random.nextInt(4) == 0) ? null : randomBytes(random, random.nextInt(8))));
		}
		return new LogRecord(key, value, headers, timestamp);
	}

	static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	/** The records of a read, copied out of its batches, for assertions. */
	static List<StoredRecord> records(FetchResult fetched) {
		List<StoredRecord> records = new ArrayList<>();
		RecordCursor cursor = fetched.cursor();
		while (cursor.next()) {
			ByteBuffer batch = cursor.buffer();
			List<Header> headers = new ArrayList<>();
			for (int i = 0; i < cursor.headerCount(); i++) {
				byte[] name = copy(batch, cursor.headerKeyPosition(i), cursor.headerKeyLength(i));
				headers.add(new Header(new String(name, StandardCharsets.UTF_8),
						copy(batch, cursor.headerValuePosition(i), cursor.headerValueLength(i))));
			}
			records.add(new StoredRecord(cursor.offset(), cursor.timestamp(),
					copy(batch, cursor.keyPosition(), cursor.keyLength()),
					copy(batch, cursor.valuePosition(), cursor.valueLength()), headers));
		}
		return records;
	}

	private static byte[] copy(ByteBuffer buffer, int position, int length) {
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		buffer.get(position, bytes);
		return bytes;
	}

	static StoredRecord stored(long offset, LogRecord record) {
		return new StoredRecord(offset, record.timestamp(), record.key(), record.value(), record.headers());
	}

	/** The batch a writer would write for {@code records} at {@code baseOffset}. */
	static ByteBuffer batchAt(long baseOffset, List<LogRecord> records) {
		RecordBatches.Batch batch = RecordBatches.build(records, null);
		RecordBatches.assignOffsets(batch.buffer(), baseOffset);
		return batch.buffer();
	}

	static void appendToFile(Path file, ByteBuffer bytes) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			while (bytes.hasRemaining()) {
				channel.write(bytes);
			}
		}
	}

	static void truncateFile(Path file, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(size);
		}
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Inverts the bits of the byte at {@code position}. */
	static void flipByte(Path file, long position) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer one = ByteBuffer.allocate(1);
			channel.read(one, position);
			one.put(0, (byte) ~one.get(0));
			one.rewind();
			channel.write(one, position);
		}
	}

}
