package org.trainer4j.core.args;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An option value from a fixed set, spelled as in HF's {@code TrainingArguments}. */
public interface Choice {
  /** The HF spelling, e.g. {@code "steps"} or {@code "cosine_with_restarts"}. */
  String value();

  /** Aliases accepted when parsing besides {@link #value()}. */
  default java.util.List<String> aliases() {
    return java.util.List.of();
  }

  /**
   * Parses an option's value; an unknown one fails with the option's name, the value and the allowed
   * values.
   */
  static <E extends Enum<E> & Choice> E parse(Class<E> type, String option, String text) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.value().equals(wanted) || e.aliases().contains(wanted)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        option + "=" + text + " is not allowed; use one of: " + allowed(type));
  }

  static <E extends Enum<E> & Choice> String allowed(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Choice::value).collect(Collectors.joining(", "));
  }
}
