package org.trainer4j.wandb;

import org.slf4j.Logger;

/**
 * Informational messages for the user (the run's link, where its files are, how to sync it): logged at
 * INFO, or at DEBUG when {@code WANDB_SILENT} is set. Warnings and errors are always logged.
 */
final class Notices {
  private final Logger log;
  private final boolean silent;

  Notices(Logger log, boolean silent) {
    this.log = log;
    this.silent = silent;
  }

  void info(String format, Object... args) {
    if (silent) {
      log.debug(format, args);
    } else {
      log.info(format, args);
    }
  }
}
