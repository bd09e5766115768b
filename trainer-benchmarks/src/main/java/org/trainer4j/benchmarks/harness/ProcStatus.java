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

  /**
   * The process's minor page faults so far ({@code minflt} of {@code /proc/self/stat}), or -1 where there is no
   * {@code /proc}. Each first touch of fresh native memory is one; on a virtual machine they are slow enough to make a
   * PyTorch step several times longer while the process's native memory is still growing.
   */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The fields after the command name (which may hold spaces) are: state ppid pgrp session tty tpgid flags minflt
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The malloc this process runs on: tcmalloc or jemalloc when one is preloaded, else the C library's. */
  static String allocator() {
    try (java.util.stream.Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return maps.map(line -> line.contains("tcmalloc") ? "tcmalloc" : line.contains("jemalloc") ? "jemalloc" : null)
          .filter(java.util.Objects::nonNull).findFirst().orElse("glibc malloc");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "unknown malloc";
    }
  }
}
