package org.trainer4j.tensorboard;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name as {@code gethostname()} gives it (what Python's {@code socket.gethostname()}
 * returns, so run folders and file names match those of Python tools). Read once: a DNS lookup can
 * take seconds on a badly configured machine, so it is the last resort.
 */
final class Hostname {
  private static final String NAME = lookUp();

  private Hostname() {}

  static String get() {
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
      } catch (IOException e) {
        name = "localhost";
      }
    }
    // A path separator in a host name would change the folder layout; nothing else needs escaping.
    return name.replace('/', '_').replace('\\', '_');
  }

  private static String readKernelHostname() {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      return Files.isReadable(kernel) ? Files.readString(kernel).strip() : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String envOrEmpty(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v.strip();
  }
}
