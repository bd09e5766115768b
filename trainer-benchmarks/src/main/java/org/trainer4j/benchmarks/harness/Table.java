package org.trainer4j.benchmarks.harness;

import java.util.List;

/** The summary as a Markdown table, the form docs/BENCHMARKS.md keeps it in. */
final class Table {
  private Table() {}

  static String markdown(List<ResultRow> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| # | measurement | result | target | verdict | detail |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (ResultRow r : rows) {
      out.append("| ").append(r.id()).append(" | ").append(cell(r.what())).append(" | ").append(cell(r.result()))
          .append(" | ").append(cell(r.target())).append(" | ").append(r.verdict()).append(" | ")
          .append(cell(r.detail())).append(" |\n");
    }
    return out.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
