package org.trainer4j.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts a measurement in a JVM of its own, with this JVM's class path, and reads back what it reports:
 * lines {@code RESULT key=value} on its standard output. Its standard error goes to ours.
 */
public final class ChildJvm {
  static final String RESULT_PREFIX = "RESULT ";

  private ChildJvm() {}

  /** What a child reported, and how long it ran as seen from here. */
  record Outcome(Map<String, String> results, long wallNanos) {
    double number(String key) {
      String value = results.get(key);
      if (value == null) {
        throw new IllegalStateException("the child JVM did not report " + key + "; it reported " + results);
      }
      return Double.parseDouble(value);
    }
  }

  /** Prints one result for the parent (called in the child). */
  static void report(String key, Object value) {
    System.out.println(RESULT_PREFIX + key + "=" + value);
    System.out.flush();
  }

  /**
   * Runs {@code mainClass} with {@code args} and waits for it.
   *
   * @param environment variables to set (a null value removes the variable)
   * @throws IllegalStateException when the child fails or runs longer than {@code timeoutSeconds}
   */
  static Outcome run(Class<?> mainClass, List<String> jvmOptions, List<String> args, Map<String, String> environment,
      long timeoutSeconds) {
    List<String> options = new ArrayList<>(JvmSettings.childOptions());
    options.addAll(jvmOptions);
    ProcessBuilder builder = javaCommand(mainClass, options, args);
    environment.forEach((k, v) -> {
      if (v == null) {
        builder.environment().remove(k);
      } else {
        builder.environment().put(k, v);
      }
    });
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a JVM for " + mainClass.getSimpleName(), e);
    }
    Map<String, String> results = new ConcurrentHashMap<>();
    Thread reader = new Thread(() -> readResults(process, results), "child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(mainClass.getSimpleName() + " ran longer than " + timeoutSeconds + " s");
      }
      long wall = System.nanoTime() - start;
      reader.join(TimeUnit.SECONDS.toMillis(10));
      if (process.exitValue() != 0) {
        throw new IllegalStateException(mainClass.getSimpleName() + " failed with exit code " + process.exitValue()
            + " (its messages are above)");
      }
      return new Outcome(new LinkedHashMap<>(results), wall);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + mainClass.getSimpleName(), e);
    }
  }

  /** {@code java <jvmOptions> -cp <this class path> <mainClass> <args>} with this JVM, its errors going to ours. */
  public static ProcessBuilder javaCommand(Class<?> mainClass, List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
  }

  private static void readResults(Process process, Map<String, String> into) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(RESULT_PREFIX)) {
          String[] kv = line.substring(RESULT_PREFIX.length()).split("=", 2);
          into.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
      }
    } catch (IOException e) {
      // The child is gone; what it reported so far is kept.
    }
  }
}
