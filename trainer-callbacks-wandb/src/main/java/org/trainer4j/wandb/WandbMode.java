package org.trainer4j.wandb;

import java.util.Locale;

/** Where a run goes, as the W&B SDK's {@code WANDB_MODE}. */
public enum WandbMode {
  /** Sent to the W&B server as it happens, and written to a {@code .wandb} file. */
  ONLINE,
  /** Written to a {@code .wandb} file only; {@code wandb sync} uploads it later. */
  OFFLINE,
  /** Nothing is sent or written. */
  DISABLED;

  /**
   * Reads a mode as the SDK spells it: {@code online} (or {@code run}), {@code offline} (or {@code
   * dryrun}), {@code disabled}; case does not matter.
   *
   * @param option the name of the setting, for the error message
   * @throws IllegalArgumentException for any other value
   */
  public static WandbMode parse(String option, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "online", "run" -> ONLINE;
      case "offline", "dryrun" -> OFFLINE;
      case "disabled" -> DISABLED;
      default -> throw new IllegalArgumentException(option + "=" + text
          + " is not allowed; use one of: online, offline, disabled (dryrun means offline, run means online)");
    };
  }
}
