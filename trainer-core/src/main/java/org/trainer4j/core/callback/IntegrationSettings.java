package org.trainer4j.core.callback;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a program gives one integration through {@code Trainer.builder().integration(name, cfg ->
 * cfg.set(key, value))}. They win over system properties and environment variables (see {@link
 * IntegrationConfig}).
 */
public final class IntegrationSettings {
  private final Map<String, String> values = new LinkedHashMap<>();

  /**
   * Sets one setting, e.g. {@code set("project", "my-project")} for W&B's {@code WANDB_PROJECT}.
   *
   * @param value anything; stored as {@code String.valueOf(value)}
   * @throws IllegalArgumentException for an empty key or a null value
   */
  public IntegrationSettings set(String key, Object value) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("an integration setting needs a key such as project, got "
          + (key == null ? "null" : "\"" + key + "\""));
    }
    if (value == null) {
      throw new IllegalArgumentException("integration setting " + key + " needs a value, got null");
    }
    values.put(key, String.valueOf(value));
    return this;
  }

  /** What was set, in order. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }
}
