package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's file system, but the channels of {@code .log} files can be made to fail writes (after writing
 * half), fsyncs and truncations, or to block in fsync until released: a disk going bad on demand.
 */
final class FaultyDisk extends LocalFileSystem {

	volatile boolean failWrites;

	volatile boolean failForce;

	volatile boolean failTruncate;

	private volatile CountDownLatch forceGate;

	final AtomicInteger forces = new AtomicInteger();

	final AtomicInteger forcesWaiting = new AtomicInteger();

	@Override
	public FileChannel open(Path file, OpenOption... options) throws IOException {
		FileChannel channel = super.open(file, options);
		return file.getFileName().toString().endsWith(LogFiles.LOG_SUFFIX) ? new FaultyChannel(channel) : channel;
	}

	/** Makes every later fsync of a log file wait until {@link #openForceGate()}. */
	void closeForceGate() {
		this.forceGate = new CountDownLatch(1);
	}

	void openForceGate() {
		CountDownLatch gate = this.forceGate;
		this.forceGate = null;
		if (gate != null) {
			gate.countDown();
		}
	}

	private final class FaultyChannel extends FileChannel {

		private final FileChannel delegate;

		FaultyChannel(FileChannel delegate) {
			this.delegate = delegate;
		}

		private int write(ByteBuffer source, long position, boolean positional) throws IOException {
			if (FaultyDisk.this.failWrites) {
				// Half of the bytes reach the file, as when a disk fills up mid-write.
				ByteBuffer half = source.duplicate();
				half.limit(half.position() + half.remaining() / 2);
				if (positional) {
					this.delegate.write(half, position);
				}
				else {
					this.delegate.write(half);
				}
				throw new IOException("injected: No space left on device");
			}
			return positional ? this.delegate.write(source, position) : this.delegate.write(source);
		}

		@Override
		public int write(ByteBuffer source) throws IOException {
			return write(source, -1, false);
		}

		@Override
		public int write(ByteBuffer source, long position) throws IOException {
			return write(source, position, true);
		}

		@Override
		public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
			if (FaultyDisk.this.failWrites) {
				throw new IOException("injected: No space left on device");
			}
			return this.delegate.write(sources, offset, length);
		}

		@Override
		public void force(boolean metaData) throws IOException {
			CountDownLatch gate = FaultyDisk.this.forceGate;
			if (gate != null) {
				FaultyDisk.this.forcesWaiting.incrementAndGet();
				try {
					if (!gate.await(30, TimeUnit.SECONDS)) {
						throw new IOException("injected: the force gate stayed closed");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted at the force gate", ex);
				}
				finally {
					FaultyDisk.this.forcesWaiting.decrementAndGet();
				}
			}
			if (FaultyDisk.this.failForce) {
				throw new IOException("injected: Input/output error");
			}
			FaultyDisk.this.forces.incrementAndGet();
			this.delegate.force(metaData);
		}

		@Override
		public FileChannel truncate(long size) throws IOException {
			if (FaultyDisk.this.failTruncate) {
				throw new IOException("injected: Read-only file system");
			}
			this.delegate.truncate(size);
			return this;
		}

		@Override
		public int read(ByteBuffer destination) throws IOException {
			return this.delegate.read(destination);
		}

		@Override
		public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
			return this.delegate.read(destinations, offset, length);
		}

		@Override
		public int read(ByteBuffer destination, long position) throws IOException {
			return this.delegate.read(destination, position);
		}

		@Override
		public long position() throws IOException {
			return this.delegate.position();
		}

		@Override
		public FileChannel position(long newPosition) throws IOException {
			this.delegate.position(newPosition);
			return this;
		}

		@Override
		public long size() throws IOException {
			return this.delegate.size();
		}

		@Override
		public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
			return this.delegate.transferTo(position, count, target);
		}

		@Override
		public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
			return this.delegate.transferFrom(source, position, count);
		}

		@Override
		public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
			return this.delegate.map(mode, position, size);
		}

		@Override
		public FileLock lock(long position, long size, boolean shared) throws IOException {
			return this.delegate.lock(position, size, shared);
		}

		@Override
		public FileLock tryLock(long position, long size, boolean shared) throws IOException {
			return this.delegate.tryLock(position, size, shared);
		}

		@Override
		protected void implCloseChannel() throws IOException {
			this.delegate.close();
		}

	}

}
