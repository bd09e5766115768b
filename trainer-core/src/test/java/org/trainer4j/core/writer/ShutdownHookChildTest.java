package org.trainer4j.core.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A real JVM exit: the one shutdown hook closes a writer nobody closed, and every line reaches the file. */
class ShutdownHookChildTest {
  private static final int LINES = 20_000;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"return, 0", "exit, 3"})
  void theJvmsExitFlushesAndClosesAnOpenWriter(String how, int exitCode) throws Exception {
    Path file = dir.resolve(how + ".txt");
    Path output = dir.resolve(how + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ShutdownHookChild.class.getName(), file.toString(), String.valueOf(LINES), how)
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child JVM did not end");
    assertEquals(exitCode, child.exitValue(), Files.readString(output));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      expected.add("line " + i);
    }
    expected.add("closed");
    List<String> written = Files.readAllLines(file);
    assertEquals(LINES + 1, written.size(), "lines in the file (none when the hook did not run)");
    assertEquals(expected, written);
  }
}
