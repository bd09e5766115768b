package org.trainer4j.core.callback;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One integration's settings, from three places with one precedence: what the program set with {@code
 * Trainer.builder().integration(name, cfg -> cfg.set(key, value))}, then the Java system property
 * {@code trainer4j.<name>.<key>}, then the environment variable {@code <NAME>_<KEY>} (upper case, {@code
 * .} and {@code -} as {@code _}). So for the integration {@code wandb} the key {@code project} is
 * {@code cfg.set("project", ...)}, else {@code -Dtrainer4j.wandb.project=...}, else {@code
 * WANDB_PROJECT}: the variables the integration's own SDK reads keep working, and a program can
 * override them without touching the environment. Immutable.
 */
public final class IntegrationConfig {
  private final String name;
  private final Map<String, String> environment;
  private final Properties systemProperties;
  private final Map<String, String> overrides;

  private IntegrationConfig(String name, Map<String, String> environment, Properties systemProperties,
      Map<String, String> overrides) {
    this.name = name;
    this.environment = Map.copyOf(environment);
    this.systemProperties = systemProperties;
    this.overrides = Map.copyOf(overrides);
  }

  /** The view of integration {@code name} over the process's environment and system properties. */
  public static IntegrationConfig of(String name, Map<String, String> overrides) {
    return of(name, System.getenv(), System.getProperties(), overrides);
  }

  /** The view over these sources (tests pass their own environment). */
  public static IntegrationConfig of(String name, Map<String, String> environment, Properties systemProperties,
      Map<String, String> overrides) {
    Objects.requireNonNull(name, "name");
    return new IntegrationConfig(name.toLowerCase(Locale.ROOT), environment, systemProperties, overrides);
  }

  /** The integration's name, e.g. {@code wandb}. */
  public String name() {
    return name;
  }

  /** The value of {@code key}: override, else system property, else environment variable. */
  public Optional<String> get(String key) {
    String override = overrides.get(key);
    if (override != null) {
      return Optional.of(override);
    }
    String property = systemProperties.getProperty(propertyName(key));
    return property != null ? Optional.of(property) : Optional.ofNullable(environment.get(variableName(key)));
  }

  /** The system property of a key: {@code trainer4j.<name>.<key>}. */
  public String propertyName(String key) {
    return "trainer4j." + name + "." + key;
  }

  /** The environment variable of a key: {@code <NAME>_<KEY>}, e.g. {@code WANDB_PROJECT}. */
  public String variableName(String key) {
    return (name + "_" + key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The environment as this integration should see it: every variable, with the system properties
   * {@code trainer4j.<name>.*} and then the overrides put in as their {@code <NAME>_<KEY>} variables.
   * For an integration whose settings are read from environment variables (as W&B's SDK reads {@code
   * WANDB_*}).
   */
  public Map<String, String> asEnvironment() {
    Map<String, String> env = new LinkedHashMap<>(environment);
    String prefix = "trainer4j." + name + ".";
    for (String property : systemProperties.stringPropertyNames()) {
      if (property.startsWith(prefix)) {
        env.put(variableName(property.substring(prefix.length())), systemProperties.getProperty(property));
      }
    }
    overrides.forEach((k, v) -> env.put(variableName(k), v));
    return env;
  }
}
