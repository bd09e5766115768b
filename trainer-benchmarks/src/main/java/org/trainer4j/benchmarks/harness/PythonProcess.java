package org.trainer4j.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the benchmarks' Python scripts with the Python of {@code -Dbench.python=...} (default {@code python3}), from the
 * repository's root as {@code run.sh} starts the harness; the measurements that need it are skipped with a note when
 * it fails.
 */
final class PythonProcess {
  private PythonProcess() {}

  /** The Python the harness runs: {@code -Dbench.python}, else {@code python3}. */
  static String python() {
    return System.getProperty("bench.python", "python3");
  }

  /**
   * Runs {@code python args...} and returns its standard output, stripped.
   *
   * @throws IOException when it cannot start or exits with an error; the message has the exit code and the last line
   *     of its standard error (such as "ModuleNotFoundError: No module named 'torch'")
   */
  static String run(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python());
    command.addAll(args);
    Path errors = Files.createTempFile("bench-python", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int exit = p.waitFor();
      if (exit != 0) {
        List<String> lines = Files.readAllLines(errors, StandardCharsets.UTF_8).stream()
            .filter(line -> !line.isBlank()).toList();
        throw new IOException("exit " + exit + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip()));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
