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
