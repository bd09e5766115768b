package org.trainer4j.benchmarks.harness;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What the JVM's diagnostic commands say about this JVM: the live objects of some packages from the
 * class histogram ({@code jcmd <pid> GC.class_histogram}, which collects garbage first), used to show
 * that the integrations' queued rows do not pile up, and the memory the JVM itself has committed
 * (native memory tracking), to tell it apart from PyTorch's in the resident set.
 */
final class JvmDiagnostics {
  private JvmDiagnostics() {}

  /** Instances and shallow bytes of the live objects of classes whose names start with a prefix. */
  record Live(long instances, long bytes) {}

  static Live liveObjects(String classPrefix) {
    String histogram = command("gcClassHistogram");
    long instances = 0;
    long bytes = 0;
    for (String line : histogram.split("\n")) {
      // "   1:        1234        56789  org.example.Type (module)"
      String[] cells = line.trim().split("\\s+");
      if (cells.length >= 4 && cells[0].endsWith(":") && cells[3].startsWith(classPrefix)) {
        instances += Long.parseLong(cells[1]);
        bytes += Long.parseLong(cells[2]);
      }
    }
    return new Live(instances, bytes);
  }

  /**
   * Kilobytes the JVM has committed (heap, metaspace, code, GC, threads...), from native memory
   * tracking; -1 when the JVM runs without {@code -XX:NativeMemoryTracking=summary}.
   */
  static long jvmCommittedKb() {
    String summary = command("vmNativeMemory", "summary");
    Matcher m = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(summary);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String command(String operation, String... args) {
    try {
      return (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {args},
          new String[] {String[].class.getName()});
    } catch (JMException e) {
      throw new IllegalStateException("diagnostic command " + operation + " failed: " + e.getMessage(), e);
    }
  }
}
