package org.trainer4j.tensorboard;

import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.trainer4j.tensorboard.proto.Event;
import org.trainer4j.tensorboard.proto.SourceMetadata;

/**
 * One open event file: a single buffered stream that events are appended to as TFRecords. Owned by
 * the writer thread after {@link #create}; not thread-safe.
 */
final class EventFile implements Closeable {
  /** The version TensorBoard reads after {@code brain.Event:}; 2 turns off legacy purging by tag. */
  static final String FILE_VERSION = "brain.Event:2";
  static final String WRITER_NAME = "trainer4j";
  private static final int BUFFER_BYTES = 64 * 1024;

  /** Opens the raw stream of a new file; a seam for tests that need a slow or failing disk. */
  @FunctionalInterface
  interface StreamOpener {
    OutputStream open(Path file) throws IOException;

    StreamOpener FILES = file -> Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
  }

  private final Path path;
  private final OutputStream out;
  private final TfRecordWriter records;
  private byte[] buffer = new byte[256];

  private EventFile(Path path, OutputStream out) {
    this.path = path;
    this.out = out;
    this.records = new TfRecordWriter(out);
  }

  /**
   * Creates the folder and a new event file in it, and writes and flushes the header record, so
   * TensorBoard sees the run at once.
   */
  static EventFile create(Path dir, StreamOpener opener) throws IOException {
    Files.createDirectories(dir);
    long nowMillis = System.currentTimeMillis();
    Path file = dir.resolve(EventFileName.next(nowMillis / 1000));
    EventFile eventFile = new EventFile(file, new BufferedOutputStream(opener.open(file), BUFFER_BYTES));
    try {
      eventFile.append(Event.newBuilder()
          .setWallTime(nowMillis / 1000.0)
          .setFileVersion(FILE_VERSION)
          .setSourceMetadata(SourceMetadata.newBuilder().setWriter(WRITER_NAME))
          .build());
      eventFile.flush();
    } catch (IOException e) {
      eventFile.closeQuietly();
      throw e;
    }
    return eventFile;
  }

  Path path() {
    return path;
  }

  /** Serializes the event into a reused buffer and appends it as one record. */
  void append(Event event) throws IOException {
    int size = event.getSerializedSize();
    if (size > buffer.length) {
      buffer = new byte[Math.max(size, buffer.length * 2)];
    }
    CodedOutputStream coded = CodedOutputStream.newInstance(buffer, 0, size);
    event.writeTo(coded);
    coded.checkNoSpaceLeft();
    records.write(buffer, size);
  }

  /** Hands buffered bytes to the operating system (no fsync). */
  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  void closeQuietly() {
    try {
      out.close();
    } catch (IOException ignored) {
      // Already failing: the first error is the one reported.
    }
  }
}
