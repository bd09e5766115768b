package org.example.trainer4j.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.testkit.CallbackDriver;

/** The CSV plugin driven by the test kit: the file a user opens after a run, byte for byte where it matters. */
class CsvLoggerCallbackTest {
  @TempDir Path dir;

  /** 8 examples in batches of 4: two steps per epoch, two epochs. */
  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir).perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4)
        .numTrainEpochs(2).learningRate(0.01).saveStrategy("no").reportTo("none");
  }

  private Path csv() {
    return dir.resolve("metrics.csv");
  }

  @Test
  void aRunGivesOneHeaderThatGrewAndRowsWithStepAndEpoch() throws IOException {
    TrainingArguments args = args().loggingSteps(2).evalStrategy("epoch").build();
    CsvLoggerCallback csv = (CsvLoggerCallback) new CsvProvider().create(args);
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4).testExamples(4)
        .trainLoss(step -> step * 0.25).gradNorm(step -> 2.0).evalLoss(step -> 0.5)
        .evalMetrics(state -> Map.of("accuracy", 0.75)).callbacks(csv).build();
    driver.train();                  // onTrainEnd flushes: the training rows are in the file now
    driver.predict();
    driver.close();                  // as Trainer.close(): the plugin flushes the test row and stops its thread

    assertEquals(List.of(
        "step,epoch,train/loss,train/grad_norm,train/learning_rate,eval/loss,eval/accuracy,eval/runtime,"
            + "eval/samples_per_second,eval/steps_per_second,train/train_runtime,train/train_samples_per_second,"
            + "train/train_steps_per_second,train/total_flos,train/train_loss,test/loss,test/accuracy,test/runtime,"
            + "test/samples_per_second,test/steps_per_second",
        "2,1.0,0.375,2.0,0.0075,,,,,,,,,,,,,,,",
        "2,1.0,,,,0.5,0.75,0.01,400.0,100.0,,,,,,,,,,",
        "4,2.0,0.875,2.0,0.0025,,,,,,,,,,,,,,,",
        "4,2.0,,,,0.5,0.75,0.01,400.0,100.0,,,,,,,,,,",
        "4,2.0,,,,,,,,,0.22,72.727,18.182,960000.0,0.625,,,,,", // 4 steps of 0.05 s, 2 eval batches of 0.01 s
        "4,2.0,,,,,,,,,,,,,,0.5,0.75,0.01,400.0,100.0"),
        Files.readAllLines(csv()));
  }

  @Test
  void aKeyLoggedLaterWidensEveryEarlierRow() throws IOException {
    TrainingArguments args = args().loggingSteps(1).build();
    CsvLoggerCallback csv = new CsvLoggerCallback(csv());
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).callbacks(csv).build();
    driver.train();
    driver.log(Map.of("eval_custom", 7));
    csv.flush();

    CsvTable table = CsvTable.read(csv());
    assertEquals("eval/custom", table.header().get(table.header().size() - 1));
    assertEquals(List.of("", "", "", "", "", "7"), table.column("eval/custom"));
    assertEquals(List.of("1", "2", "3", "4", "4", "4"), table.column("step"));
    assertEquals(1, Files.readAllLines(csv()).stream().filter(l -> l.startsWith("step,")).count());
    assertFalse(Files.exists(dir.resolve("metrics.csv.tmp")));
    csv.close();
  }

  @Test
  void reportToCsvAndAllSelectTheProviderByItsServiceFile() throws IOException {
    for (String reportTo : List.of("csv", "all")) {
      Files.deleteIfExists(csv());
      CallbackDriver driver = CallbackDriver.builder(args().reportTo(reportTo).loggingSteps(2).build())
          .trainExamples(8).discoverIntegrations().build();
      driver.train();
      assertEquals(3, CsvTable.read(csv()).rows().size(), "report_to=" + reportTo);
      closeCsvCallbacks(driver);
    }
    Files.delete(csv());
    CallbackDriver.builder(args().reportTo("none").build()).trainExamples(8).discoverIntegrations().build().train();
    assertFalse(Files.exists(csv()));
  }

  @Test
  void onlyTheWorldProcessZeroWrites() {
    CsvLoggerCallback csv = new CsvLoggerCallback(csv());
    CallbackDriver.builder(args().loggingSteps(1).build()).trainExamples(8).worldProcessZero(false)
        .callbacks(csv).build().train();
    csv.close();
    assertFalse(Files.exists(csv()));
  }

  @Test
  void aNewRunReplacesAnOldFile() throws IOException {
    Files.writeString(csv(), "step,epoch,train/old\n9,9.0,1\n");
    CsvLoggerCallback csv = new CsvLoggerCallback(csv());
    CallbackDriver.builder(args().loggingSteps(2).build()).trainExamples(8).callbacks(csv).build().train();
    csv.close();
    CsvTable table = CsvTable.read(csv());
    assertFalse(table.header().contains("train/old"));
    assertEquals(List.of("2", "4", "4"), table.column("step"));
  }

  @Test
  void aResumedRunKeepsTheRowsUpToItsCheckpoint() throws IOException {
    Files.writeString(csv(), "step,epoch,train/loss\n2,0.5,0.9\n4,1.0,0.8\n6,1.5,0.7\n");
    CsvLoggerCallback csv = new CsvLoggerCallback(csv());
    TrainerState.Writer resumed = TrainerState.Writer.parse("{\"global_step\": 4, \"epoch\": 1.0}");
    TrainingArguments args = args().build();
    csv.onTrainBegin(args, resumed.state(), new TrainerControl(), CallbackContext.empty());
    resumed.setGlobalStep(6); // as the loop moves on
    resumed.setEpoch(1.5);
    csv.onLog(args, resumed.state(), new TrainerControl(), CallbackContext.empty().withLogs(orderedMap("loss", 0.65,
        "epoch", 1.5)));
    csv.close();
    assertEquals(List.of("step,epoch,train/loss", "2,0.5,0.9", "4,1.0,0.8", "6,1.5,0.65"), Files.readAllLines(csv()));
  }

  @Test
  void awkwardKeysAndValuesAreQuotedAndReadBackIntact() throws IOException {
    CsvLoggerCallback csv = new CsvLoggerCallback(csv());
    CallbackDriver driver = CallbackDriver.builder(args().build()).callbacks(csv).build();
    driver.log(orderedMap("note, with comma", "say \"hi\"\nthen go", "nan_loss", Double.NaN,
        "inf", Double.NEGATIVE_INFINITY, "flag", true, "count", 3L));
    csv.close();

    CsvTable table = CsvTable.read(csv());
    assertEquals(List.of("step", "epoch", "train/note, with comma", "train/nan_loss", "train/inf", "train/flag",
        "train/count"), table.header());
    assertEquals(List.of("0", "", "say \"hi\"\nthen go", "nan", "-inf", "true", "3"), table.rows().get(0),
        "no epoch before training starts");
  }

  @Test
  void whenTheQueueIsFullRowsAreDroppedNotWaitedFor() throws IOException {
    CsvFileWriter writer = new CsvFileWriter(csv(), 0, 1);               // not started: nothing is taken yet
    writer.offer(new CsvRow(1, Optional.of(0.5), Map.of("train/loss", 1.0)));
    writer.offer(new CsvRow(2, Optional.of(1.0), Map.of("train/loss", 0.5)));      // the queue holds 1: dropped
    assertEquals(1, writer.dropped());
    writer.start();
    writer.flush(Duration.ofSeconds(10));
    writer.close(Duration.ofSeconds(10));
    assertEquals(List.of("step,epoch,train/loss", "1,0.5,1.0"), Files.readAllLines(csv()));
  }

  @Test
  void aFileThatCannotBeWrittenSwitchesTheWriterOffWithoutFailingTraining() throws IOException {
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "");
    CsvLoggerCallback csv = new CsvLoggerCallback(blocker.resolve("metrics.csv"));
    CallbackDriver driver = CallbackDriver.builder(args().loggingSteps(1).build()).trainExamples(8)
        .callbacks(csv).build();
    driver.train();
    csv.close();
    assertFalse(Files.exists(csv.file()));
    assertEquals(5, driver.recorder().logs().size());
  }

  private static void closeCsvCallbacks(CallbackDriver driver) {
    driver.callbackHandler().callbacks().stream().filter(CsvLoggerCallback.class::isInstance)
        .map(CsvLoggerCallback.class::cast).forEach(CsvLoggerCallback::close);
  }

  private static Map<String, Object> orderedMap(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
