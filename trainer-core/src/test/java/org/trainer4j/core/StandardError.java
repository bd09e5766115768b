package org.trainer4j.core;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a piece of code writes to System.err, where slf4j-simple writes the tests' log (WARN and up). */
public final class StandardError {
  private StandardError() {}

  /** Runs {@code action} and returns what it wrote to System.err (restored afterwards). */
  public static String during(Runnable action) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
