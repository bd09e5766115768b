package org.trainer4j.core.python;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name as {@code gethostname()} gives it: what Python's {@code socket.gethostname()}
 * returns, so that TensorBoard's run folders and file names and W&B's {@code host} match those of the
 * Python tools. Read once: Java's {@link InetAddress#getLocalHost()} asks DNS, which can take seconds
 * on a badly configured machine and may answer with another (fully qualified) name, so it is only the
 * last resort.
 */
public final class Hostname {
  private static final String NAME = lookUp();

  private Hostname() {}

  /** The host name, read once per JVM. */
  public static String get() {
    return NAME;
  }

  private static String lookUp() {
    String name = readKernelHostname();
    if (name.isEmpty()) {
      name = envOrEmpty("HOSTNAME");
    }
    if (name.isEmpty()) {
      name = envOrEmpty("COMPUTERNAME");
    }
    if (name.isEmpty()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (IOException | SecurityException e) {
        name = "localhost";
      }
    }
    return name;
  }

  private static String readKernelHostname() {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      return Files.isReadable(kernel) ? Files.readString(kernel).strip() : "";
    } catch (IOException | SecurityException e) {
      return "";
    }
  }

  private static String envOrEmpty(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v.strip();
  }
}
