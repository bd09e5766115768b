package org.trainer4j.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;

class ConsoleTest {
  @TempDir Path dir;

  @Test
  void logLinesLookLikeHfs() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("loss", 0.6931);
    row.put("grad_norm", 1.25);
    row.put("learning_rate", 4.9e-05);
    row.put("total_flos", 1.0e9);
    row.put("note", "it's");
    row.put("epoch", 0.33333333);
    assertEquals("{'loss': 0.6931, 'grad_norm': 1.25, 'learning_rate': 4.9e-05, 'note': \"it's\", 'epoch': 0.3333}",
        LogLine.format(row));
  }

  @Test
  void otherValuesPrintAsPythonsRepr() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("both", "it's \"x\"");
    row.put("path", "C:\\tmp\tend\n");
    row.put("bell", "\u0007");
    row.put("long", "y".repeat(101));
    row.put("done", true);
    row.put("step", 7);
    row.put("none", null);
    row.put("nan", Double.NaN);
    row.put("inf", Float.NEGATIVE_INFINITY);
    // Python: str({...}) of the same dict (and ProgressCallback's message for strings over 100 characters).
    assertEquals("{'both': 'it\\'s \"x\"', 'path': 'C:\\\\tmp\\tend\\n', 'bell': '\\x07',"
        + " 'long': '[String too long to display, length: 101 > 100]', 'done': True, 'step': 7, 'none': None,"
        + " 'nan': nan, 'inf': -inf}", LogLine.format(row));
  }

  @Test
  void floatsPrintAsPythonsFourSignificantDigits() {
    // Expected values are Python's format(v, ".4g").
    double[] values = {0.6931, 4.9e-05, 1234.5678, 12345.6, 1e-5, 0.0001, 0.00012345, 9999.5, 99999, 1.0, -0.5,
        123.456, 5e-324, 1e300, 0.1 + 0.2, -0.0, 0, 1234.5, 1235.5, 1.0005, 0.125, 9.9995, 99.995, 0.00099995,
        999.95, 1e22, 1.2345e23};
    String[] python = {"0.6931", "4.9e-05", "1235", "1.235e+04", "1e-05", "0.0001", "0.0001234", "1e+04", "1e+05",
        "1", "-0.5", "123.5", "4.941e-324", "1e+300", "0.3", "-0", "0", "1234", "1236", "1", "0.125", "9.999", "100",
        "0.001", "1000", "1e+22", "1.235e+23"};
    for (int i = 0; i < values.length; i++) {
      assertEquals(python[i], LogLine.fourSignificant(values[i]), "format(" + values[i] + ", '.4g')");
      if (values[i] != 0) { // zeros never reach the exact path
        assertEquals(python[i], LogLine.exactFourSignificant(values[i]), "exact format(" + values[i] + ", '.4g')");
      }
    }
  }

  @Test
  void fastFormattingAgreesWithTheExactOneEverywhere() {
    // The fast path scales with doubles; it must give the exact path's answer for any value, including
    // those a hair from a rounding midpoint (4-digit ties shifted by a few ulps) and across magnitudes.
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      double v;
      if (i % 2 == 0) {
        v = Math.pow(10, random.nextDouble(-30, 30)) * (random.nextBoolean() ? 1 : -1);
      } else {
        double tie = (random.nextInt(1000, 10_000) + 0.5) * Math.pow(10, random.nextInt(-12, 12));
        v = tie;
        for (int ulps = random.nextInt(-3, 4); ulps != 0; ulps -= Integer.signum(ulps)) {
          v = ulps > 0 ? Math.nextUp(v) : Math.nextDown(v);
        }
      }
      assertEquals(LogLine.exactFourSignificant(v), LogLine.fourSignificant(v), "format(" + v + ", '.4g')");
    }
  }

  @Test
  void theBarShowsPercentCountElapsedAndRate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "", 10, 0);
    for (int i = 1; i <= 10; i++) {
      bar.step();
    }
    bar.close(true);
    String text = bytes.toString(StandardCharsets.UTF_8);
    String last = text.substring(text.lastIndexOf('\r') + 1).replace("\033[2K", "").strip();
    assertTrue(last.matches("100%\\|█{24}\\| 10/10 \\[00:00<00:00, [0-9.]+it/s\\]"), last);
    assertEquals("01:05", ProgressBar.clock(65));
    assertEquals("1:01:01", ProgressBar.clock(3661));
  }

  private void train(TrainerCallback console) {
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").saveStrategy("no")
              .maxSteps(4).loggingSteps(2).perDeviceTrainBatchSize(4).evalStrategy("steps").evalSteps(4).build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1)))
          .evalDataset(Fixtures.dataset(Fixtures.blobs(16, 2)))
          .build();
      trainer.popCallback(ProgressCallback.class);
      trainer.popCallback(PrinterCallback.class);
      trainer.callbackHandler().add(console, org.trainer4j.core.callback.CallbackRole.CONSOLE);
      trainer.train();
    }

  }

  @Test
  void theProgressCallbackDrawsBarsAndPrintsRowsAboveThem() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    train(new ProgressCallback(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("| 4/4 ["), text);
    assertTrue(text.contains("eval: 100%|"), "an evaluation bar: " + text);
    List<String> rows = text.lines().map(l -> l.substring(l.lastIndexOf('\r') + 1).replace("\033[2K", ""))
        .filter(l -> l.startsWith("{")).toList();
    assertEquals(4, rows.size(), text);
    assertTrue(rows.get(0).startsWith("{'loss': "), rows.get(0));
    assertTrue(rows.get(2).startsWith("{'eval_loss': "), rows.get(2));
    assertTrue(rows.get(3).startsWith("{'train_runtime': "), rows.get(3));
  }

  @Test
  void thePrinterPrintsRowsOnly() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    train(new PrinterCallback(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.stream().allMatch(l -> l.startsWith("{'") && l.endsWith("}")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("total_flos")), lines.toString());
  }

  @Test
  void disableTqdmChoosesThePrinter() {
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").disableTqdm(true).build()).build();
      assertTrue(trainer.callbackHandler().callbacks().get(trainer.callbackHandler().callbacks().size() - 1)
          instanceof PrinterCallback);
      Trainer withBars = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").disableTqdm(false).build()).build();
      assertTrue(withBars.callbackHandler().callbacks().get(withBars.callbackHandler().callbacks().size() - 1)
          instanceof ProgressCallback);
    }
  }
}
