package org.trainer4j.wandb;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, looked up once (the lookup may be slow, so only background threads ask). */
final class Hostname {
  private static String name;

  private Hostname() {}

  static synchronized String get() {
    if (name == null) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException | SecurityException e) {
        name = "localhost";
      }
    }
    return name;
  }
}
