package org.trainer4j.core.callback;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The logs or metrics an event carries: readable like any map; a change fails with a message that
 * says what to do instead (the values are already in {@code log_history}, and every callback must see
 * the same ones).
 */
final class ReadOnlyValues extends AbstractMap<String, Object> {
  private final Map<String, Object> values;
  private final String what;

  /** @param what how the message names the map, e.g. {@code "onLog's logs"} */
  ReadOnlyValues(Map<String, Object> values, String what) {
    this.values = Collections.unmodifiableMap(values);
    this.what = what;
  }

  private UnsupportedOperationException refused() {
    return new UnsupportedOperationException(what + " are read-only: they are already recorded, and every"
        + " callback sees them as they were logged. To log a value of your own, call context.log(Map.of(\"name\","
        + " value)) from the callback: it is logged as a row of its own right after this event.");
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return values.entrySet();
  }

  @Override
  public Object get(Object key) {
    return values.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public int size() {
    return values.size();
  }

  @Override
  public Object put(String key, Object value) {
    throw refused();
  }

  @Override
  public void putAll(Map<? extends String, ?> m) {
    throw refused();
  }

  @Override
  public Object remove(Object key) {
    throw refused();
  }

  @Override
  public void clear() {
    throw refused();
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
    throw refused();
  }
}
