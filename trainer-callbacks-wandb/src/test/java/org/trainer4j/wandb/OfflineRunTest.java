package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.wandb.TestRuns.row;
import static org.trainer4j.wandb.TestRuns.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.testkit.WandbFileReader;
import org.trainer4j.testkit.WireMessage;
import org.trainer4j.testkit.WandbFileReader.Rec;

/** An offline run's folder and .wandb file, read back as {@code wandb sync} would read them. */
class OfflineRunTest {
  @TempDir Path dir;

  @Test
  void theRunFolderIsLaidOutAsTheSdkLaysItOut() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).build(), row("lr", 0.5));
    run.log(row("train/loss", 1.0, "train/global_step", 1));
    FinishReport report = run.finish(0);

    Path folder = run.directory().orElseThrow();
    assertEquals(dir.resolve("wandb"), folder.getParent());
    assertTrue(folder.getFileName().toString().matches("offline-run-\\d{8}_\\d{6}-off12345"), folder.toString());
    assertEquals(folder.resolve("run-off12345.wandb"), run.file().orElseThrow());
    assertTrue(Files.isRegularFile(run.file().orElseThrow()));
    assertEquals("\"lr\":\n  \"value\": 0.5\n", Files.readString(folder.resolve("files/config.yaml")));
    JsonNode summary = json(Files.readString(folder.resolve("files/wandb-summary.json")));
    assertEquals(1.0, summary.path("train/loss").asDouble());
    assertEquals(0, summary.path("_step").asInt());
    Path latest = dir.resolve("wandb/latest-run");
    assertTrue(Files.isSymbolicLink(latest));
    assertEquals(folder.toRealPath(), latest.toRealPath());

    assertEquals(WandbMode.OFFLINE, report.mode());
    assertEquals(Optional.of("wandb sync " + folder), report.syncCommand());
    assertEquals(1, report.rowsLogged());
    assertTrue(LogCapture.contains("Upload it with: wandb sync " + folder));
  }

  @Test
  void recordsComeInTheOrderSyncExpectsNumberedFromOne() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).runName("nice name").entity("team").tags("t1")
        .runGroup("grp").jobType("train").notes("n").build(), row("lr", 0.5, "layers", List.of(4, 8)));
    long before = System.currentTimeMillis();
    run.log(row("train/loss", 2.5, "train/global_step", 10));
    run.log(row("eval/loss", 3.5, "train/epoch", 1.0, "train/global_step", 10));
    run.summary(row("train/train_runtime", 12.5));
    run.log(row("train/loss", 1.5, "train/global_step", 20));
    run.finish(3);

    List<Rec> records = WandbFileReader.read(run.file().orElseThrow());
    // As the W&B SDK writes them: the header first; for each row its new keys' metric definitions and
    // its summary update, then the row; explicit summary values when they are set; the final summary.
    assertEquals(List.of("header", "run", "config", "metric", "metric",
        "metric", "summary", "history",
        "metric", "metric", "summary", "history",
        "summary",
        "summary", "history",
        "summary", "exit", "final", "footer"), WandbFileReader.types(records));
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i + 1, records.get(i).num());
    }
    assertTrue(records.get(0).body().message(1).string(1).startsWith("trainer4j-wandb"), "the producer");
    // The summary record before a row updates exactly the row's keys, to the row's values.
    assertEquals(WandbFileReader.historyRows(records.subList(7, 8)).get(0),
        WandbFileReader.summary(records.subList(6, 7)));
    records = records.subList(1, records.size());

    WireMessage runRecord = records.get(0).body();
    assertEquals("off12345", runRecord.string(1));
    assertEquals("team", runRecord.string(2));
    assertEquals("proj", runRecord.string(3));
    assertEquals("grp", runRecord.string(6));
    assertEquals("train", runRecord.string(7));
    assertEquals("nice name", runRecord.string(8));
    assertEquals("n", runRecord.string(9));
    assertEquals(List.of("t1"), runRecord.strings(10));
    assertEquals("testhost", runRecord.string(13));
    long startSeconds = runRecord.message(17).varint(1);
    assertTrue(Math.abs(startSeconds - before / 1000) <= 5, "start_time " + startSeconds);

    List<WireMessage> config = records.get(1).body().messages(1);
    assertEquals("lr", config.get(0).string(1));
    assertEquals("0.5", config.get(0).string(16));
    assertEquals("layers", config.get(1).string(1));
    assertEquals("[4,8]", config.get(1).string(16));

    // define_metric("train/global_step"), define_metric("*", step_metric=..., step_sync=True)
    WireMessage step = records.get(2).body();
    assertEquals("train/global_step", step.string(1));
    assertTrue(step.message(6).bool(3));
    WireMessage glob = records.get(3).body();
    assertEquals("*", glob.string(2));
    assertEquals("train/global_step", glob.string(4));
    assertTrue(glob.message(6).bool(1));
    // A key's first row brings its glob-expanded definition.
    WireMessage expanded = records.get(4).body();
    assertEquals("train/loss", expanded.string(1));
    assertEquals("train/global_step", expanded.string(4));
    assertTrue(expanded.message(6).bool(1));
    assertTrue(expanded.bool(10));
    assertEquals(List.of("eval/loss", "train/epoch"), List.of(records.get(7).body().string(1), records.get(8).body().string(1)));

    List<Map<String, String>> rows = WandbFileReader.historyRows(records);
    assertEquals(3, rows.size());
    assertEquals(List.of("train/loss", "train/global_step", "_runtime", "_timestamp", "_step"),
        new ArrayList<>(rows.get(0).keySet()));
    assertEquals("2.5", rows.get(0).get("train/loss"));
    assertEquals("10", rows.get(0).get("train/global_step"));
    for (int i = 0; i < 3; i++) {
      assertEquals(Integer.toString(i), rows.get(i).get("_step"));
      assertEquals(i, records.stream().filter(r -> r.type().equals("history")).toList().get(i).body().message(2).varint(1));
      double timestamp = Double.parseDouble(rows.get(i).get("_timestamp"));
      assertTrue(Math.abs(timestamp - before / 1000.0) < 60, "timestamp " + timestamp);
      assertTrue(Double.parseDouble(rows.get(i).get("_runtime")) >= 0);
    }

    Map<String, String> summary = WandbFileReader.summary(records);
    assertEquals("1.5", summary.get("train/loss"));
    assertEquals("3.5", summary.get("eval/loss"));
    assertEquals("12.5", summary.get("train/train_runtime"));
    assertEquals("2", summary.get("_step"));
    assertTrue(summary.get("_wandb").matches("\\{\"runtime\":\\d+}"), summary.get("_wandb"));

    WireMessage exit = records.get(records.size() - 3).body();
    assertEquals(3, exit.varint(1));
  }

  @Test
  void manyRowsSpanManyBlocksAndAllComeBack() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).build(), Map.of());
    String text = "w".repeat(5_000);
    for (int i = 0; i < 300; i++) {
      run.log(row("train/loss", i * 0.5, "train/note", text, "train/global_step", i));
    }
    run.log(row("train/blob", "b".repeat(100_000), "train/global_step", 300));
    run.finish(0);
    byte[] bytes = Files.readAllBytes(run.file().orElseThrow());
    WandbFileReader.Layout layout = WandbFileReader.layout(bytes);
    assertTrue(bytes.length > 40 * WandbFileReader.BLOCK);
    assertTrue(layout.chunkTypes().contains(TransactionLog.MIDDLE), "the 100 kB row spans blocks");
    List<Map<String, String>> rows = WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow()));
    assertEquals(301, rows.size());
    for (int i = 0; i < 300; i++) {
      assertEquals(Integer.toString(i), rows.get(i).get("_step"));
      assertEquals(Double.toString(i * 0.5), rows.get(i).get("train/loss"));
      assertEquals("\"" + text + "\"", rows.get(i).get("train/note"));
    }
    assertEquals(100_002, rows.get(300).get("train/blob").length());
  }

  @Test
  void valuesAreWrittenAsWandbJson() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).build(), Map.of());
    Map<String, Object> row = row("f", 0.1f, "nan", Double.NaN, "inf", Double.NEGATIVE_INFINITY, "big", 1e20,
        "small", 4.5e-05, "s", "quote\"\n", "b", true, "nested", row("x", 1), "arr", new double[] {1, 2.5},
        "none", null);
    run.log(row);
    run.finish(0);
    Map<String, String> written = WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).get(0);
    assertEquals("0.1", written.get("f"));
    assertEquals("NaN", written.get("nan"));
    assertEquals("-Infinity", written.get("inf"));
    assertEquals("1e+20", written.get("big"));
    assertEquals("4.5e-05", written.get("small"));
    assertEquals("\"quote\\\"\\n\"", written.get("s"));
    assertEquals("true", written.get("b"));
    assertEquals("{\"x\":1}", written.get("nested"));
    assertEquals("[1.0,2.5]", written.get("arr"));
    assertEquals("null", written.get("none"));
  }

  @Test
  void rowsWithoutTheStepGetItsLatestValueAsStepSyncDoes() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).build(), Map.of());
    run.log(row("train/loss", 1.0));
    run.log(row("train/loss", 0.5, "train/global_step", 7));
    run.log(row("test/f1", 0.9));
    run.finish(0);
    List<Map<String, String>> rows = WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow()));
    assertEquals(List.of("0", "7", "7"), rows.stream().map(r -> r.get("train/global_step")).toList());
  }

  @Test
  void disabledRunsWriteNothing() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).mode(WandbMode.DISABLED).build(), Map.of("a", 1));
    run.log(Map.of("train/loss", 1));
    FinishReport report = run.finish(0);
    assertEquals(WandbMode.DISABLED, report.mode());
    assertEquals(Optional.empty(), run.directory());
    assertEquals(0, report.rowsLogged());
    assertTrue(run.isFinished());
    assertSame(report, run.finish(1), "a second finish returns the first report");
    assertFalse(Files.exists(dir.resolve("wandb")));
  }

  @Test
  void anOnlineRunWithoutAKeySaysWhereItLookedAndGoesOffline() throws Exception {
    WandbSettings settings = WandbSettings.fromEnvironment(Map.of()).homeDirectory(dir).directory(dir)
        .runId("nokey123").build();
    WandbRun run = WandbRun.start(settings, Map.of());
    run.log(Map.of("train/loss", 1));
    FinishReport report = run.finish(0);
    assertEquals(WandbMode.OFFLINE, run.mode());
    assertTrue(run.directory().orElseThrow().getFileName().toString().startsWith("offline-run-"));
    String expected = "no W&B API key was found (looked in WANDB_API_KEY and " + dir.resolve(".netrc");
    assertTrue(report.problem().orElseThrow().startsWith(expected), report.problem().toString());
    assertTrue(LogCapture.contains(expected));
    assertTrue(LogCapture.contains("Set WANDB_API_KEY (or run `wandb login`), then upload it with: wandb sync "
        + run.directory().orElseThrow()));
  }

  @Test
  void logAfterFinishIsIgnoredAndFinishReturnsTheFirstReport() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.offline(dir).build(), Map.of());
    run.log(Map.of("train/loss", 1));
    FinishReport first = run.finish(0);
    run.log(Map.of("train/loss", 2));
    assertEquals(first, run.finish(1));
    assertEquals(1, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }
}
