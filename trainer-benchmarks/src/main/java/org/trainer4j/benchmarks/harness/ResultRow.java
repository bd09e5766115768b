package org.trainer4j.benchmarks.harness;

/**
 * One line of the summary table.
 *
 * @param id the number of the measurement (1–11)
 * @param what what was measured
 * @param result the headline figure
 * @param target the target, or "—"
 * @param verdict "met", "MISSED" or "info"
 * @param detail everything behind the headline: runs, spread, units
 */
record ResultRow(String id, String what, String result, String target, String verdict, String detail) {
  static ResultRow judged(String id, String what, String result, String target, boolean met, String detail) {
    return new ResultRow(id, what, result, target, met ? "met" : "MISSED", detail);
  }

  static ResultRow info(String id, String what, String result, String detail) {
    return new ResultRow(id, what, result, "—", "info", detail);
  }
}
