package org.trainer4j.tensorboard;

/** This machine's name (core's {@link org.trainer4j.core.python.Hostname}), safe to put in a path. */
final class Hostname {
  // A path separator in a host name would change the folder layout; nothing else needs escaping.
  private static final String NAME = org.trainer4j.core.python.Hostname.get().replace('/', '_').replace('\\', '_');

  private Hostname() {}

  static String get() {
    return NAME;
  }
}
