package org.example.trainer4j.csv;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of the file: the step and epoch it was logged at (no epoch before training starts), and its
 * values by namespaced key.
 */
record CsvRow(int step, Optional<Double> epoch, Map<String, Object> values) {
  CsvRow {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
