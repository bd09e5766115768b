package org.trainer4j.core.optim;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Typed reading of extra keyword arguments: HF's {@code optim_args} (strings from {@code
 * "momentum=0.9,nesterov=true"}) and {@code lr_scheduler_kwargs} (JSON values). Every error names the
 * option, the key, the value and what is allowed.
 */
final class KeywordArguments {
  private static final List<String> TRUE = List.of("true", "t", "yes", "y", "on", "1");
  private static final List<String> FALSE = List.of("false", "f", "no", "n", "off", "0");

  private final String option;
  private final String owner;
  private final Map<String, ?> values;

  /**
   * @param option the option the values come from, e.g. {@code optim_args}
   * @param owner what reads them, e.g. {@code optim=sgd}
   * @param values the given values
   * @param allowed the keys {@code owner} reads
   * @param setElsewhere keys that users may expect here but that come from another training argument
   *     (key to that argument's name)
   * @throws IllegalArgumentException for a key that is not allowed
   */
  KeywordArguments(String option, String owner, Map<String, ?> values, List<String> allowed,
      Map<String, String> setElsewhere) {
    this.option = option;
    this.owner = owner;
    this.values = values;
    for (String key : values.keySet()) {
      if (allowed.contains(key)) {
        continue;
      }
      String keys = allowed.isEmpty() ? "none" : String.join(", ", allowed);
      String instead = setElsewhere.containsKey(key)
          ? ": set the training argument " + setElsewhere.get(key) + " instead"
          : "";
      throw new IllegalArgumentException(option + " key '" + key + "' is not allowed for " + owner + instead
          + "; allowed keys: " + keys);
    }
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  double number(String key, double fallback) {
    return optionalNumber(key).orElse(fallback);
  }

  Optional<Double> optionalNumber(String key) {
    Object value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Number n) {
      return Optional.of(n.doubleValue());
    }
    try {
      return Optional.of(Double.parseDouble(value.toString()));
    } catch (NumberFormatException e) {
      throw bad(key, value, "a number");
    }
  }

  int integer(String key, int fallback) {
    return optionalInteger(key).orElse(fallback);
  }

  Optional<Integer> optionalInteger(String key) {
    Object value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(value.toString()).intValueExact());
    } catch (ArithmeticException | NumberFormatException e) {
      throw bad(key, value, "a whole number");
    }
  }

  boolean bool(String key, boolean fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().toLowerCase(Locale.ROOT);
    if (TRUE.contains(text)) {
      return true;
    }
    if (FALSE.contains(text)) {
      return false;
    }
    throw bad(key, value, "true or false");
  }

  String choice(String key, String fallback, List<String> allowed) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    String text = value.toString();
    if (!allowed.contains(text)) {
      throw bad(key, value, "one of " + String.join(", ", allowed));
    }
    return text;
  }

  /**
   * Builds settings whose own checks name the key and value; their message gets the option and owner
   * in front so that users see where the value came from.
   */
  <T> T build(Supplier<T> settings) {
    try {
      return settings.get();
    } catch (BadValue e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " for " + owner + ": " + e.getMessage(), e);
    }
  }

  /** Fails like a bad value of {@code key} unless {@code ok}. */
  void check(boolean ok, String key, Object value, String allowed) {
    if (!ok) {
      throw bad(key, value, allowed);
    }
  }

  private IllegalArgumentException bad(String key, Object value, String allowed) {
    return new BadValue(option + " " + key + "=" + value + " is not allowed for " + owner + "; use " + allowed);
  }

  /** A value this class rejected: its message already says where it came from. */
  private static final class BadValue extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
      super(message);
    }
  }

  /** The common check of settings records: {@code name=value is not allowed; use allowed}. */
  static void require(boolean ok, String name, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(name + "=" + value + " is not allowed; use " + allowed);
    }
  }
}
