package org.trainer4j.core.writer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A program for {@link ShutdownHookChildTest}, run in its own JVM: it offers lines to a writer with a
 * 1 MiB buffer that flushes only when asked and at close, and never closes it. Only the JVM's shutdown
 * hook can get the lines into the file. {@code exit} ends with {@code System.exit(3)}; {@code return}
 * returns from main.
 */
public final class ShutdownHookChild {
  private ShutdownHookChild() {}

  /** Lines into a file, buffered in memory until flush or close. */
  static final class LineWriter extends BackgroundWriter<String> {
    private final Path path;
    private Writer out;

    LineWriter(Path path) {
      super(WriterConfig.builder("child", FullQueuePolicy.BLOCK).itemNoun("lines").build());
      this.path = path;
    }

    @Override
    protected void onStart() throws IOException {
      out = new java.io.BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8), 1 << 20);
    }

    @Override
    protected void handle(List<String> batch) throws IOException {
      for (String line : batch) {
        out.write(line);
        out.write('\n');
      }
    }

    @Override
    protected void onFlush() throws IOException {
      out.flush();
    }

    @Override
    protected void onClose() throws IOException {
      out.write("closed\n");
      out.close();
    }
  }

  public static void main(String[] argv) {
    Path file = Path.of(argv[0]);
    int lines = Integer.parseInt(argv[1]);
    LineWriter writer = new LineWriter(file);
    writer.start();
    for (int i = 0; i < lines; i++) {
      writer.offer("line " + i);
    }
    if (argv[2].equals("exit")) {
      System.exit(3);
    }
  }
}
