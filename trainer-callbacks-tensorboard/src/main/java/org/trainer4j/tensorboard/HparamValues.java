package org.trainer4j.tensorboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flattens training arguments into values the HParams dashboard shows: numbers, booleans and
 * strings as they are, an unset value as {@code "None"} (as HF's sanitized arguments), lists and maps
 * as compact JSON, anything else as its string form. Every run then has the same columns.
 */
final class HparamValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HparamValues() {}

  static Map<String, Object> flatten(Map<String, Object> args) {
    Map<String, Object> out = new LinkedHashMap<>();
    args.forEach((name, value) -> out.put(name, flat(value)));
    return out;
  }

  private static Object flat(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
      try {
        return JSON.writeValueAsString(v);
      } catch (JsonProcessingException e) {
        return v.toString();
      }
    }
    return v.toString();
  }
}
