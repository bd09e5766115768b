package org.trainer4j.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads one file of a checkpoint so that any failure names the file: a damaged {@code scheduler.json}
 * says so, rather than "invalid JSON: Unrecognized token" with no file in sight.
 */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /** Reads something from a file of a checkpoint. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(Path file) throws IOException;
  }

  /** Applies something a file of a checkpoint holds. */
  @FunctionalInterface
  public interface Loader {
    void load(Path file) throws IOException;
  }

  /**
   * Reads {@code file} with {@code reader}.
   *
   * @throws IllegalArgumentException naming the file when its content is not what it should be
   * @throws UncheckedIOException naming the file when it cannot be read
   */
  public static <T> T read(Path file, Reader<T> reader) {
    try {
      return reader.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + withoutFile(e.getMessage(), file), e);
    } catch (RuntimeException e) {
      // Malformed content shows up as parse errors, but also as casts and lookups that fail on it.
      throw new IllegalArgumentException(file + " cannot be used: " + withoutFile(String.valueOf(e.getMessage()), file)
          + (e instanceof IllegalArgumentException ? "" : " (" + e.getClass().getSimpleName() + ")"), e);
    }
  }

  /** Loads what {@code file} holds with {@code loader}; failures name the file as {@link #read} does. */
  public static void load(Path file, Loader loader) {
    read(file, f -> {
      loader.load(f);
      return null;
    });
  }

  private static String withoutFile(String message, Path file) {
    String prefix = file + ": ";
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
