package io.caudal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The machine's file system, through {@link Files} and {@link FileChannel}. Stateless. */
class LocalFileSystem implements LogFileSystem {

	@Override
	public FileChannel open(Path file, OpenOption... options) throws IOException {
		return FileChannel.open(file, options);
	}

	@Override
	public boolean exists(Path path) {
		return Files.exists(path);
	}

	@Override
	public long lastModifiedMs(Path file) throws IOException {
		return Files.getLastModifiedTime(file).toMillis();
	}

	@Override
	public long size(Path file) throws IOException {
		return Files.size(file);
	}

	@Override
	public List<Path> list(Path dir) throws IOException {
		List<Path> entries = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			stream.forEach(entries::add);
		}
		return entries;
	}

	@Override
	public void createDirectories(Path dir) throws IOException {
		Files.createDirectories(dir);
	}

	@Override
	public void replace(Path source, Path target) throws IOException {
		Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	@Override
	public boolean deleteIfExists(Path path) throws IOException {
		try {
			return Files.deleteIfExists(path);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	@Override
	public void forceDirectory(Path dir) throws IOException {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

}
