package org.trainer4j.wandb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tests' log: surefire points slf4j-simple at one file (see the module's pom). */
final class LogCapture {
  private LogCapture() {}

  static Path file() {
    String name = System.getProperty("org.slf4j.simpleLogger.logFile");
    if (name == null || name.equals("System.err") || name.equals("System.out")) {
      throw new IllegalStateException("run the tests with -Dorg.slf4j.simpleLogger.logFile=<file> (the pom does)");
    }
    return Path.of(name);
  }

  static String text() {
    System.err.flush();
    try {
      return Files.readString(file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean contains(String text) {
    return text().contains(text);
  }
}
