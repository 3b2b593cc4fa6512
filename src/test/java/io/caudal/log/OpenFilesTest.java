package io.caudal.log;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenFilesTest {

	@TempDir
	Path dir;

	@Test
	void keepsAtMostTheBoundOpenAndReopensWhatItClosed() throws Exception {
		OpenFiles files = new OpenFiles(3);
		List<PooledFile> handles = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			PooledFile file = files.readWrite(this.dir.resolve("f" + i));
			file.writeFully(ByteBuffer.wrap(new byte[] { (byte) i }), 0);
			handles.add(file);
			assertThat(files.openCount()).isLessThanOrEqualTo(3);
		}
		assertThat(files.opens()).isEqualTo(10);
		for (int i = 9; i >= 0; i--) {
			ByteBuffer read = ByteBuffer.allocate(1);
			handles.get(i).readFully(read, 0);
			assertThat(read.get(0)).isEqualTo((byte) i);
		}
		assertThat(files.openCount()).isEqualTo(3);
		assertThat(files.opens()).as("the three open were read first, the other seven opened again").isEqualTo(17);
	}

	@Test
	void neverClosesAFileSomeoneHolds() throws Exception {
		OpenFiles files = new OpenFiles(1);
		PooledFile held = files.readWrite(this.dir.resolve("held"));
		FileChannel channel = held.acquire();
		for (int i = 0; i < 5; i++) {
			files.readWrite(this.dir.resolve("other" + i)).force();
		}
		assertThat(channel.isOpen()).isTrue();
		channel.write(ByteBuffer.wrap(new byte[] { 7 }), 0);
		held.release();
		assertThat(files.openCount()).isEqualTo(1);
	}

	@Test
	void aFileClosedForGoodClosesWhenReleasedAndRefusesNewUsers() throws Exception {
		OpenFiles files = new OpenFiles(10);
		PooledFile file = files.readWrite(this.dir.resolve("segment"));
		FileChannel channel = file.acquire();
		file.closeForGood();
		assertThat(channel.isOpen()).as("still held by a reader").isTrue();
		file.release();
		assertThat(channel.isOpen()).isFalse();
		assertThat(files.openCount()).isZero();
		assertThatThrownBy(file::acquire).isInstanceOf(ClosedChannelException.class);
	}

	@Test
	void aChannelClosedByAnInterruptIsOpenedAgain() throws Exception {
		OpenFiles files = new OpenFiles(10);
		PooledFile file = files.readWrite(this.dir.resolve("segment"));
		FileChannel first = file.acquire();
		first.close();
		file.release();
		FileChannel second = file.acquire();
		assertThat(second).isNotSameAs(first);
		assertThat(second.isOpen()).isTrue();
		file.release();
	}

}
