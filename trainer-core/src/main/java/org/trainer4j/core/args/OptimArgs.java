package org.trainer4j.core.args;

import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code optim_args} format, read where the option is checked and where the optimizer is built. */
public final class OptimArgs {
  private OptimArgs() {}

  /**
   * Checks and parses HF's {@code optim_args} string: comma-separated {@code key=value} pairs, spaces ignored (as
   * HF's {@code get_optimizer_cls_and_kwargs}); the keys each optimizer takes are checked when it is created.
   *
   * @throws IllegalArgumentException naming the bad pair
   */
  public static Map<String, String> parse(String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String entry : text.replace(" ", "").split(",")) {
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split("=", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new IllegalArgumentException("optim_args=" + text + " is not allowed: '" + entry
            + "' is not key=value; use e.g. momentum=0.9,nesterov=true");
      }
      if (pairs.put(parts[0], parts[1]) != null) {
        throw new IllegalArgumentException(
            "optim_args=" + text + " is not allowed: key '" + parts[0] + "' is given twice");
      }
    }
    return pairs;
  }
}
