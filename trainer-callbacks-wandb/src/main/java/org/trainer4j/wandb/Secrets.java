package org.trainer4j.wandb;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Removes the API key (plain or inside a Basic auth header) from text before it is logged or thrown. */
final class Secrets {
  private final String key;
  private final String basic;

  Secrets(Optional<String> apiKey) {
    this.key = apiKey.filter(k -> !k.isEmpty()).orElse(null);
    this.basic = key == null ? null
        : Base64.getEncoder().encodeToString(("api:" + key).getBytes(StandardCharsets.UTF_8));
  }

  String redact(String text) {
    if (key == null || text == null) {
      return text;
    }
    return text.replace(basic, "<redacted>").replace(key, "<redacted>");
  }

  /** A value with every string equal to or containing the key redacted (for config uploads). */
  Object redactValue(Object value) {
    if (key == null) {
      return value;
    }
    if (value instanceof String s) {
      return redact(s);
    }
    if (value instanceof java.util.Map<?, ?> map) {
      java.util.Map<String, Object> copy = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(redact(String.valueOf(k)), redactValue(v)));
      return copy;
    }
    if (value instanceof java.util.Collection<?> items) {
      return items.stream().map(this::redactValue).toList();
    }
    return value;
  }
}
