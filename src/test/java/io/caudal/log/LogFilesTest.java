package io.caudal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogFilesTest {

	@TempDir
	Path dir;

	@Test
	void namesSegmentFilesWithTheBaseOffsetPaddedToTwentyDigits() {
		assertThat(LogFiles.logFile(this.dir, 0).getFileName()).hasToString("00000000000000000000.log");
		assertThat(LogFiles.indexFile(this.dir, 1234).getFileName()).hasToString("00000000000000001234.index");
		assertThat(LogFiles.timeIndexFile(this.dir, Long.MAX_VALUE).getFileName())
			.hasToString("09223372036854775807.timeindex");
	}

	@ParameterizedTest
	@CsvSource({ "00000000000000000042.log, .log, 42", "00000000000000000042.index, .log, -1",
			"0000000000000000042.log, .log, -1", "0000000000000000004x.log, .log, -1",
			"99999999999999999999.log, .log, -1", "recovery-point, .log, -1" })
	void parsesBaseOffsetsOnlyFromWellFormedNames(String name, String suffix, long expected) {
		OptionalLong base = LogFiles.baseOffset(this.dir.resolve(name), suffix);

		assertThat(base).isEqualTo((expected < 0) ? OptionalLong.empty() : OptionalLong.of(expected));
	}

	@Test
	void writeAtomicallyReplacesTheContentAndLeavesNoTemporaryFile() throws Exception {
		Path file = LogFiles.recoveryPointFile(this.dir);

		LogFiles.writeAtomically(file, "12", LogFileSystem.LOCAL);
		LogFiles.writeAtomically(file, "7", LogFileSystem.LOCAL);

		assertThat(file).hasContent("7");
		try (var files = Files.list(this.dir)) {
			assertThat(files).containsExactly(file);
		}
	}

}
