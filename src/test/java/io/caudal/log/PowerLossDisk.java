package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A disk in memory that loses power on demand, in the manner of LazyFS: a file's writes and truncations are durable
 * only once the file is forced, and a directory's entries (files created, renamed, deleted) only once the directory
 * is forced. At a {@linkplain #restart() power cut} every file and directory goes back to its durable state, plus a
 * random prefix of what was pending on it (the last write possibly torn), as a page cache partly written back
 * would leave it.
 * <p>
 * The cut happens at a chosen change ({@link #cutAfter(int)}): that change and everything after it fail, as for a
 * process whose machine just died, until {@link #restart()}; {@link #fileSystem()} then hands out the file system
 * of the next boot, and everything the old one opened stays dead. Thread-safe: one lock for the whole disk.
 */
final class PowerLossDisk {

	/** What a change was doing, to show that cuts land everywhere. */
	enum Change {
		LOG_WRITE, INDEX_WRITE, SEGMENT_CREATE, RECOVERY_POINT, CLEAN_SHUTDOWN, DELETE, TRUNCATE, FSYNC,
		DIRECTORY_FSYNC, OTHER
	}

	private final Path root;

	private final Random random;

	private final Node rootNode = Node.directory();

	private final List<Node> nodes = new ArrayList<>();

	private int boot;

	private int changesUntilCut = -1;

	private boolean dead;

	private Change cutAt;

	PowerLossDisk(Path root, Random random) {
		this.root = root;
		this.random = random;
		this.nodes.add(this.rootNode);
	}

	/** The file system of the current boot. */
	synchronized LogFileSystem fileSystem() {
		return new BootFileSystem(this.boot);
	}

	/** Cuts the power at the {@code changes}-th change from now (1 is the next). */
	synchronized void cutAfter(int changes) {
		this.changesUntilCut = changes;
	}

	synchronized boolean isDead() {
		return this.dead;
	}

	/** What the change at which the power went was doing, or null if it has not gone. */
	synchronized Change cutAt() {
		return this.cutAt;
	}

	/**
	 * Cuts the power now if it is not already off, then boots again: every file and directory keeps its durable
	 * state and a random part of what was pending.
	 */
	synchronized void restart() {
		for (Node node : this.nodes) {
			node.loseUnforced(this.random);
		}
		this.boot++;
		this.dead = false;
		this.changesUntilCut = -1;
		this.cutAt = null;
	}

	/** Counts one change against the armed cut; throws when the power is, or just went, off. */
	private void change(int boot, Change change) throws IOException {
		alive(boot);
		if (this.changesUntilCut > 0 && --this.changesUntilCut == 0) {
			this.dead = true;
			this.cutAt = change;
			throw new IOException("power cut");
		}
	}

	private void alive(int boot) throws IOException {
		if (this.dead || boot != this.boot) {
			throw new IOException("no power");
		}
	}

	private static Change changeOf(Path file, boolean write) {
		String name = file.getFileName().toString();
		if (name.startsWith(LogFiles.RECOVERY_POINT)) {
			return Change.RECOVERY_POINT;
		}
		if (name.startsWith(LogFiles.CLEAN_SHUTDOWN)) {
			return Change.CLEAN_SHUTDOWN;
		}
		if (name.endsWith(LogFiles.LOG_SUFFIX)) {
			return write ? Change.LOG_WRITE : Change.SEGMENT_CREATE;
		}
		if (name.endsWith(LogFiles.INDEX_SUFFIX) || name.endsWith(LogFiles.TIME_INDEX_SUFFIX)) {
			return write ? Change.INDEX_WRITE : Change.SEGMENT_CREATE;
		}
		return Change.OTHER;
	}

	private Node lookup(Path path) {
		Path relative = this.root.relativize(path.toAbsolutePath().normalize());
		if (relative.toString().startsWith("..")) {
			throw new IllegalArgumentException(path + " lies outside the disk at " + this.root);
		}
		Node node = this.rootNode;
		if (relative.toString().isEmpty()) {
			return node;
		}
		for (Path name : relative) {
			if (node.entries == null) {
				return null;
			}
			node = node.entries.get(name.toString());
			if (node == null) {
				return null;
			}
		}
		return node;
	}

	private Node parentOf(Path path) throws IOException {
		Node parent = lookup(path.toAbsolutePath().normalize().getParent());
		if (parent == null || parent.entries == null) {
			throw new NoSuchFileException(path.getParent().toString());
		}
		return parent;
	}

	private Node file(Path file) throws IOException {
		Node node = lookup(file);
		if (node == null) {
			throw new NoSuchFileException(file.toString());
		}
		return node;
	}

	/**
	 * A file or a directory. A file has its content now and its durable content; a directory its entries now and
	 * its durable entries. What is pending is kept as changes to replay, in order.
	 */
	private static final class Node {

		// A file's bytes.
		byte[] content = new byte[0];

		int length;

		byte[] durableContent = new byte[0];

		final List<Consumer<Node>> pendingData = new ArrayList<>();

		// A directory's entries; null for a file.
		Map<String, Node> entries;

		Map<String, Node> durableEntries;

		final List<Consumer<Map<String, Node>>> pendingEntries = new ArrayList<>();

		static Node directory() {
			Node node = new Node();
			node.entries = new LinkedHashMap<>();
			node.durableEntries = new LinkedHashMap<>();
			return node;
		}

		void write(long position, byte[] bytes, int count) {
			int end = Math.toIntExact(position + count);
			if (end > this.content.length) {
				this.content = Arrays.copyOf(this.content, Math.max(end, this.content.length * 2));
			}
			if (position > this.length) {
				Arrays.fill(this.content, this.length, (int) position, (byte) 0);
			}
			System.arraycopy(bytes, 0, this.content, (int) position, count);
			this.length = Math.max(this.length, end);
		}

		void truncate(long size) {
			if (size < this.length) {
				this.length = (int) size;
			}
		}

		void force() {
			this.durableContent = Arrays.copyOf(this.content, this.length);
			this.pendingData.clear();
		}

		void forceEntries() {
			this.durableEntries = new LinkedHashMap<>(this.entries);
			this.pendingEntries.clear();
		}

		/** Goes back to the durable state plus a random prefix of the pending changes, the last maybe torn. */
		void loseUnforced(Random random) {
			if (this.entries != null) {
				Map<String, Node> survivors = new LinkedHashMap<>(this.durableEntries);
				int kept = random.nextInt(this.pendingEntries.size() + 1);
				this.pendingEntries.subList(0, kept).forEach(change -> change.accept(survivors));
				this.entries = survivors;
				forceEntries();
				return;
			}
			List<Consumer<Node>> pending = new ArrayList<>(this.pendingData);
			this.content = this.durableContent.clone();
			this.length = this.content.length;
			int kept = random.nextInt(pending.size() + 1);
			pending.subList(0, kept).forEach(change -> change.accept(this));
			if (kept < pending.size() && pending.get(kept) instanceof TornWrite torn && random.nextBoolean()) {
				torn.applyPart(this, random);
			}
			force();
		}

	}

	/** A pending write, which a power cut may leave half done. */
	private record TornWrite(long position, byte[] bytes) implements Consumer<Node> {

		@Override
		public void accept(Node node) {
			node.write(this.position, this.bytes, this.bytes.length);
		}

		void applyPart(Node node, Random random) {
			node.write(this.position, this.bytes, random.nextInt(this.bytes.length + 1));
		}

	}

	/** The file system one boot sees; dead once the power goes. */
	private final class BootFileSystem implements LogFileSystem {

		private final int boot;

		BootFileSystem(int boot) {
			this.boot = boot;
		}

		@Override
		public FileChannel open(Path file, OpenOption... options) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Set<OpenOption> opened = Set.of(options);
				Node node = lookup(file);
				if (node == null) {
					if (!opened.contains(StandardOpenOption.CREATE)) {
						throw new NoSuchFileException(file.toString());
					}
					change(this.boot, changeOf(file, false));
					Node parent = parentOf(file);
					Node created = new Node();
					String name = file.getFileName().toString();
					parent.entries.put(name, created);
					parent.pendingEntries.add(entries -> entries.put(name, created));
					PowerLossDisk.this.nodes.add(created);
					node = created;
				}
				else if (node.entries != null && opened.contains(StandardOpenOption.WRITE)) {
					throw new IOException(file + " is a directory");
				}
				if (opened.contains(StandardOpenOption.TRUNCATE_EXISTING) && node.length > 0) {
					change(this.boot, changeOf(file, true));
					node.truncate(0);
					node.pendingData.add(truncation(0));
				}
				return new MemoryChannel(this.boot, file, node);
			}
		}

		@Override
		public boolean exists(Path path) {
			synchronized (PowerLossDisk.this) {
				return lookup(path) != null;
			}
		}

		@Override
		public long lastModifiedMs(Path file) {
			// Every file counts as just written: whoever looks for recent ones looks at all of them.
			return Long.MAX_VALUE;
		}

		@Override
		public long size(Path file) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				return file(file).length;
			}
		}

		@Override
		public List<Path> list(Path dir) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Node node = file(dir);
				if (node.entries == null) {
					throw new IOException(dir + " is not a directory");
				}
				return node.entries.keySet().stream().map(dir::resolve).toList();
			}
		}

		@Override
		public void createDirectories(Path dir) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Path absolute = dir.toAbsolutePath().normalize();
				Path walked = PowerLossDisk.this.root;
				for (Path name : PowerLossDisk.this.root.relativize(absolute)) {
					Path next = walked.resolve(name);
					if (lookup(next) == null) {
						change(this.boot, Change.OTHER);
						Node parent = lookup(walked);
						Node created = Node.directory();
						String entry = name.toString();
						parent.entries.put(entry, created);
						parent.pendingEntries.add(entries -> entries.put(entry, created));
						PowerLossDisk.this.nodes.add(created);
					}
					walked = next;
				}
			}
		}

		@Override
		public void replace(Path source, Path target) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Node parent = parentOf(source);
				if (parentOf(target) != parent) {
					throw new IOException("A rename across directories is not atomic: " + source + " to " + target);
				}
				Node node = file(source);
				change(this.boot, changeOf(target, true));
				String from = source.getFileName().toString();
				String to = target.getFileName().toString();
				parent.entries.remove(from);
				parent.entries.put(to, node);
				parent.pendingEntries.add(entries -> {
					entries.remove(from);
					entries.put(to, node);
				});
			}
		}

		@Override
		public boolean deleteIfExists(Path path) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Node node = lookup(path);
				if (node == null) {
					return false;
				}
				if (node.entries != null && !node.entries.isEmpty()) {
					throw new DirectoryNotEmptyException(path.toString());
				}
				change(this.boot, Change.DELETE);
				Node parent = parentOf(path);
				String name = path.getFileName().toString();
				parent.entries.remove(name);
				parent.pendingEntries.add(entries -> entries.remove(name));
				return true;
			}
		}

		@Override
		public void forceDirectory(Path dir) throws IOException {
			synchronized (PowerLossDisk.this) {
				alive(this.boot);
				Node node = file(dir);
				change(this.boot, Change.DIRECTORY_FSYNC);
				node.forceEntries();
			}
		}

	}

	private static Consumer<Node> truncation(long size) {
		return node -> node.truncate(size);
	}

	/** A channel on one file of one boot. */
	private final class MemoryChannel extends FileChannel {

		private final int boot;

		private final Path path;

		private final Node node;

		private long position;

		MemoryChannel(int boot, Path path, Node node) {
			this.boot = boot;
			this.path = path;
			this.node = node;
		}

		private void check() throws IOException {
			if (!isOpen()) {
				throw new ClosedChannelException();
			}
			alive(this.boot);
		}

		@Override
		public int read(ByteBuffer destination, long position) throws IOException {
			synchronized (PowerLossDisk.this) {
				check();
				if (position >= this.node.length) {
					return -1;
				}
				int count = (int) Math.min(destination.remaining(), this.node.length - position);
				destination.put(this.node.content, (int) position, count);
				return count;
			}
		}

		@Override
		public int read(ByteBuffer destination) throws IOException {
			synchronized (PowerLossDisk.this) {
				int count = read(destination, this.position);
				if (count > 0) {
					this.position += count;
				}
				return count;
			}
		}

		@Override
		public int write(ByteBuffer source, long position) throws IOException {
			synchronized (PowerLossDisk.this) {
				check();
				change(this.boot, changeOf(this.path, true));
				byte[] bytes = new byte[source.remaining()];
				source.get(bytes);
				this.node.write(position, bytes, bytes.length);
				this.node.pendingData.add(new TornWrite(position, bytes));
				return bytes.length;
			}
		}

		@Override
		public int write(ByteBuffer source) throws IOException {
			synchronized (PowerLossDisk.this) {
				int count = write(source, this.position);
				this.position += count;
				return count;
			}
		}

		@Override
		public long size() throws IOException {
			synchronized (PowerLossDisk.this) {
				check();
				return this.node.length;
			}
		}

		@Override
		public FileChannel truncate(long size) throws IOException {
			synchronized (PowerLossDisk.this) {
				check();
				if (size < this.node.length) {
					change(this.boot, Change.TRUNCATE);
					this.node.truncate(size);
					this.node.pendingData.add(truncation(size));
				}
				this.position = Math.min(this.position, size);
				return this;
			}
		}

		@Override
		public void force(boolean metaData) throws IOException {
			synchronized (PowerLossDisk.this) {
				check();
				change(this.boot, Change.FSYNC);
				this.node.force();
			}
		}

		@Override
		public long position() {
			return this.position;
		}

		@Override
		public FileChannel position(long newPosition) {
			this.position = newPosition;
			return this;
		}

		@Override
		public long read(ByteBuffer[] destinations, int offset, int length) {
			throw new UnsupportedOperationException("scattering read");
		}

		@Override
		public long write(ByteBuffer[] sources, int offset, int length) {
			throw new UnsupportedOperationException("gathering write");
		}

		@Override
		public long transferTo(long position, long count, WritableByteChannel target) {
			throw new UnsupportedOperationException("transferTo");
		}

		@Override
		public long transferFrom(ReadableByteChannel source, long position, long count) {
			throw new UnsupportedOperationException("transferFrom");
		}

		@Override
		public MappedByteBuffer map(MapMode mode, long position, long size) {
			throw new UnsupportedOperationException("map");
		}

		@Override
		public FileLock lock(long position, long size, boolean shared) {
			throw new UnsupportedOperationException("lock");
		}

		@Override
		public FileLock tryLock(long position, long size, boolean shared) {
			throw new UnsupportedOperationException("tryLock");
		}

		@Override
		protected void implCloseChannel() {
			// Nothing to release: the bytes live in the disk's nodes.
		}

	}

}
