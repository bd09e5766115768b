package org.example.trainer4j.csv;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One line of the file: the step and epoch it was logged at, and its values by namespaced key. */
record CsvRow(int step, double epoch, Map<String, Object> values) {
  CsvRow {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
