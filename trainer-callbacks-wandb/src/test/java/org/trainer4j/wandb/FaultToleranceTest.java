package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.wandb.FakeWandbServer.Fault.HTTP_404;
import static org.trainer4j.wandb.FakeWandbServer.Fault.HTTP_429_RETRY_AFTER;
import static org.trainer4j.wandb.FakeWandbServer.Fault.HTTP_500;
import static org.trainer4j.wandb.FakeWandbServer.Fault.HTTP_503;
import static org.trainer4j.wandb.FakeWandbServer.Fault.RESET_AFTER_STORING;
import static org.trainer4j.wandb.FakeWandbServer.Fault.RESET_BEFORE_STORING;
import static org.trainer4j.wandb.FakeWandbServer.Fault.STALL_AFTER_STORING;
import static org.trainer4j.wandb.TestRuns.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run does when the server fails: retries that neither lose nor double a row, and a bounded finish. */
class FaultToleranceTest {
  @TempDir Path dir;
  @StartStop private final MockWebServer server = new MockWebServer();
  private FakeWandbServer fake;

  @BeforeEach
  void answerAsWandb() {
    fake = FakeWandbServer.on(server);
  }

  private static void logRows(WandbRun run, int rows) throws InterruptedException {
    for (int i = 0; i < rows; i++) {
      run.log(Map.of("train/loss", 1.0 / (i + 1), "train/global_step", i));
      if (i % 10 == 9) {
        Thread.sleep(30); // spread the rows over many requests
      }
    }
  }

  private static void assertRowsExactlyOnceInOrder(List<String> history, int rows) {
    assertEquals(rows, history.size());
    for (int i = 0; i < rows; i++) {
      JsonNode row = json(history.get(i));
      assertEquals(i, row.path("_step").asInt(), history.get(i));
      assertEquals(i, row.path("train/global_step").asInt(), history.get(i));
    }
  }

  @Test
  void serverErrorsResetsAndStallsAreRetriedWithoutLosingOrDoublingRows() throws Exception {
    fake.fail(HTTP_500, HTTP_503, RESET_AFTER_STORING, HTTP_429_RETRY_AFTER, RESET_BEFORE_STORING,
        STALL_AFTER_STORING, HTTP_500);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).transmitInterval(Duration.ofMillis(20))
        .requestTimeout(Duration.ofMillis(800)).build(), Map.of());
    logRows(run, 200);
    FinishReport report = run.finish(0);

    assertEquals(List.of(HTTP_500, HTTP_503, RESET_AFTER_STORING, HTTP_429_RETRY_AFTER, RESET_BEFORE_STORING,
        STALL_AFTER_STORING, HTTP_500), fake.faultsApplied());
    assertRowsExactlyOnceInOrder(fake.history(), 200);
    assertEquals(List.of(), fake.problems());
    assertEquals(0, fake.exitCode().orElseThrow());
    assertTrue(report.uploadComplete());
    assertEquals(200, report.rowsUploaded());
    assertTrue(report.syncCommand().isEmpty());
    // The request after a stored-then-reset one repeats its offset: the server overwrote, not appended.
    long repeatedOffsets = fake.fileStreamRequests().stream()
        .map(r -> r.json().path("files").path(Uploader.HISTORY_FILE).path("offset"))
        .filter(n -> !n.isMissingNode()).map(JsonNode::asInt).distinct().count();
    assertTrue(repeatedOffsets < fake.fileStreamRequests().size());
  }

  @Test
  void aFailureOnTheFinalRequestIsRetriedToo() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).build(), Map.of());
    logRows(run, 5);
    TestRuns.await("the run to be created", () -> !fake.graphqlRequests("UpsertBucket").isEmpty());
    fake.fail(HTTP_503, RESET_AFTER_STORING);
    FinishReport report = run.finish(1);
    assertRowsExactlyOnceInOrder(fake.history(), 5);
    assertEquals(1, fake.exitCode().orElseThrow());
    assertTrue(report.uploadComplete());
    assertEquals(3, fake.fileStreamRequests().size());
  }

  @Test
  void aRefusalThatNoRetryCanFixStopsTheUploadAndTheFileKeepsEverything() throws Exception {
    fake.fail(HTTP_404);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).build(), Map.of());
    logRows(run, 20);
    FinishReport report = run.finish(0);
    assertEquals(1, fake.fileStreamRequests().size());
    assertFalse(report.uploadComplete());
    assertEquals(20, report.rowsNotUploaded());
    assertTrue(report.problem().orElseThrow().contains("HTTP 404"), report.problem().toString());
    assertEquals("wandb sync " + run.directory().orElseThrow(), report.syncCommand().orElseThrow());
    assertEquals(20, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }

  @Test
  void aServerThatIsDownForTheWholeRunCostsAtMostTheFinishTimeout() throws Exception {
    String deadUrl = server.url("/").toString();
    server.close();
    Duration bound = Duration.ofSeconds(1);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).baseUrl(deadUrl).finishTimeout(bound).build(),
        Map.of("lr", 0.1));
    logRows(run, 50);
    long start = System.nanoTime();
    FinishReport report = run.finish(0);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // Generous slack for a busy machine; without the bound this would retry for days.
    assertTrue(took.compareTo(bound.plusSeconds(8)) < 0, "finish took " + took);
    assertFalse(report.uploadComplete());
    assertEquals(50, report.rowsLogged());
    assertEquals(50, report.rowsNotUploaded());
    assertTrue(report.problem().orElseThrow().contains("did not finish within the finish timeout of 1.0 s"));
    String sync = "wandb sync " + run.directory().orElseThrow();
    assertEquals(sync, report.syncCommand().orElseThrow());
    assertTrue(LogCapture.contains(sync));

    List<WandbFileReader.Rec> records = WandbFileReader.read(run.file().orElseThrow());
    List<Map<String, String>> rows = WandbFileReader.historyRows(records);
    assertEquals(50, rows.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(Integer.toString(i), rows.get(i).get("_step"));
    }
    assertEquals(List.of("exit", "final", "footer"),
        WandbFileReader.types(records).subList(records.size() - 3, records.size()));
  }

  @Test
  void aServerThatAcceptsButNeverAnswersCostsAtMostTheFinishTimeout() throws Exception {
    TestRuns.stallEverything(server);
    Duration bound = Duration.ofSeconds(1);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).finishTimeout(bound)
        .requestTimeout(Duration.ofSeconds(30)).build(), Map.of());
    logRows(run, 10);
    long start = System.nanoTime();
    FinishReport report = run.finish(0);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(bound.plusSeconds(8)) < 0, "finish took " + took);
    assertEquals(10, report.rowsNotUploaded());
    assertEquals(10, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }

  @Test
  void aRejectedKeyStopsTheUploadWithAClearMessageAndTheRunGoesOnOffline() throws Exception {
    fake.viewerStatus(401);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).build(), Map.of());
    logRows(run, 10);
    FinishReport report = run.finish(0);
    String expected = "the W&B API key was rejected by " + server.url("/").toString().replaceAll("/$", "");
    assertTrue(report.problem().orElseThrow().startsWith(expected), report.problem().toString());
    assertTrue(LogCapture.contains(expected));
    assertEquals(1, fake.requests().size(), "nothing after the Viewer query");
    assertEquals(10, report.rowsNotUploaded());
    assertEquals(10, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }

  @Test
  void memoryStaysBoundedWhileTheServerDoesNotAnswer() throws Exception {
    TestRuns.stallEverything(server);
    long limit = 1 << 20;
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).uploadBufferBytes(limit)
        .finishTimeout(Duration.ofMillis(500)).build(), Map.of());
    String tenKilobytes = "z".repeat(10_000);
    for (int i = 0; i < 500; i++) {
      run.log(Map.of("train/text", tenKilobytes, "train/global_step", i));
    }
    TestRuns.await("the writer to catch up", () -> run.uploadBacklogBytes() >= limit - 20_000);
    Thread.sleep(200);
    assertTrue(run.uploadBacklogBytes() <= limit, "backlog " + run.uploadBacklogBytes());
    FinishReport report = run.finish(0);
    assertEquals(500, report.rowsLogged());
    assertEquals(500, report.rowsNotUploaded());
    assertTrue(LogCapture.contains("W&B upload buffer is full"));
    assertEquals(500, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }
}
