package org.trainer4j.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness end to end at {@code --quick} size: every measurement runs a few steps (the JMH ones
 * inside this JVM) and yields its row of the table. No timing is asserted; that is what the full run
 * is for.
 */
class HarnessSmokeTest {
  @Test
  void quickRunGivesOneRowPerMeasurement() {
    List<String> progress = new ArrayList<>();
    List<ResultRow> rows = Harness.run(HarnessOptions.parse("--quick"), progress::add);

    assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"),
        rows.stream().map(ResultRow::id).toList());
    for (ResultRow row : rows) {
      assertFalse(row.result().isBlank(), "row " + row.id() + " has a result");
      assertTrue(List.of("met", "MISSED", "info").contains(row.verdict()), row.verdict());
    }
    assertTrue(rows.get(0).detail().contains("Same logged losses on both sides: yes"), rows.get(0).detail());
    assertTrue(rows.get(0).detail().contains("Noise floor, the hand-written loop against a copy of itself"),
        rows.get(0).detail());
    assertTrue(rows.get(5).detail().contains("log_history: 2,001 rows"), rows.get(5).detail());
    assertTrue(rows.get(6).result().contains("cold") && rows.get(6).result().contains("warm"), rows.get(6).result());
    assertTrue(rows.get(11).result().contains("tokens/s"), rows.get(11).result());
    assertTrue(rows.get(14).detail().contains("Same logged losses on both sides: yes"), rows.get(14).detail());
    String table = Table.markdown(rows);
    assertEquals(2 + rows.size(), table.split("\n").length, table);
    assertFalse(progress.isEmpty());
  }

  @Test
  void badOptionsNameTheOptionAndWhatIsAllowed() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> HarnessOptions.parse("--fast", "1"));
    assertTrue(unknown.getMessage().contains("unknown option --fast"), unknown.getMessage());
    IllegalArgumentException section = assertThrows(IllegalArgumentException.class,
        () -> HarnessOptions.parse("--only", "1,16"));
    assertTrue(section.getMessage().contains("--only 1,16 is not allowed; use measurement numbers from 1 to 15"),
        section.getMessage());
    IllegalArgumentException miniLm = assertThrows(IllegalArgumentException.class,
        () -> HarnessOptions.parse("--minilm-steps", "12"));
    assertTrue(miniLm.getMessage().contains("--minilm-steps 12 is not allowed; use a multiple of 5"),
        miniLm.getMessage());
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> HarnessOptions.parse("--pairs", "0"));
    assertTrue(count.getMessage().contains("--pairs 0 is not allowed; use a positive whole number"), count.getMessage());
  }
}
