package org.example.trainer4j.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

  @Test
  void floatCellsAreWhatPythonsCsvModuleWrites() {
    // Python: csv.writer(s).writerow([1e-5, 2e23, float('nan'), 0.1, 1e16]) -> '1e-05,2e+23,nan,0.1,1e+16'.
    // This plugin used to write Java's 1.0E-5, 1.9999999999999998E23 and 1.0E16.
    List<Object> row = List.of(1e-5, 2e23, Double.NaN, 0.1f, 1e16);
    assertEquals(List.of("1e-05", "2e+23", "nan", "0.1", "1e+16"), row.stream().map(Csv::cell).toList());
  }
}
