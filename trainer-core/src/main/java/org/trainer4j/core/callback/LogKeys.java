package org.trainer4j.core.callback;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Metric-key namespacing shared by every integration, so that all of them chart the same names. */
public final class LogKeys {
  private static final int MAX_REMEMBERED = 4096;
  private static final Map<String, String> REWRITTEN = new ConcurrentHashMap<>();

  private LogKeys() {}

  /**
   * HF's {@code rewrite_logs}: {@code eval_x} becomes {@code eval/x}, {@code test_x} becomes {@code
   * test/x}, and every other key {@code k} becomes {@code train/k} (so {@code epoch} is always {@code
   * train/epoch}). Order is kept. Call it on {@link CallbackContext#logs()} before writing a row.
   */
  public static <V> Map<String, V> rewriteLogs(Map<String, V> logs) {
    Map<String, V> out = new LinkedHashMap<>(Math.max(16, logs.size() * 2));
    for (Map.Entry<String, V> e : logs.entrySet()) {
      out.put(rewrite(e.getKey()), e.getValue());
    }
    return out;
  }

  /** The namespaced form of one key; see {@link #rewriteLogs(Map)}. */
  public static String rewrite(String key) {
    // Every integration rewrites every key of every logged row; the names are few, so remember them.
    String known = REWRITTEN.get(key);
    if (known != null) {
      return known;
    }
    String rewritten = namespaced(key);
    if (REWRITTEN.size() < MAX_REMEMBERED) {
      REWRITTEN.putIfAbsent(key, rewritten);
    }
    return rewritten;
  }

  private static String namespaced(String key) {
    if (key.startsWith("eval_")) {
      return "eval/" + key.substring(5);
    }
    if (key.startsWith("test_")) {
      return "test/" + key.substring(5);
    }
    return "train/" + key;
  }
}
