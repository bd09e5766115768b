package org.trainer4j.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of Linux's {@code /proc/self/status}, such as {@code VmHWM} (peak resident set). */
final class ProcStatus {
  private ProcStatus() {}

  /** The field's value in kB, or -1 where there is no {@code /proc} (not Linux). */
  static long kilobytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
