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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.testkit.WandbFileReader;

/**
 * What a run does when the server fails: retries that neither lose nor double a row, and a bounded
 * finish. All but the first test run on a manual clock: retry delays, request cut-offs and the finish
 * deadline pass when the test moves the clock, so a busy machine cannot change what they see.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultToleranceTest {
  @TempDir Path dir;
  @StartStop private final MockWebServer server = new MockWebServer();
  private final ManualTicker ticker = new ManualTicker();
  private FakeWandbServer fake;

  @BeforeEach
  void answerAsWandb() {
    fake = FakeWandbServer.on(server);
  }

  private static void logRows(WandbRun run, int rows) {
    for (int i = 0; i < rows; i++) {
      run.log(Map.of("train/loss", 1.0 / (i + 1), "train/global_step", i));
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

  /** On the system clock: many requests, every kind of fault, real timeouts; only the outcome is checked. */
  @Test
  void serverErrorsResetsAndStallsAreRetriedWithoutLosingOrDoublingRows() throws Exception {
    fake.fail(HTTP_500, HTTP_503, RESET_AFTER_STORING, HTTP_429_RETRY_AFTER, RESET_BEFORE_STORING,
        STALL_AFTER_STORING, HTTP_500);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir).transmitInterval(Duration.ofMillis(20))
        .requestTimeout(Duration.ofMillis(800)).build(), Map.of());
    for (int i = 0; i < 200; i++) {
      run.log(Map.of("train/loss", 1.0 / (i + 1), "train/global_step", i));
      if (i % 50 == 49) {
        // Spread the rows over several requests: wait for the next one to arrive.
        int seen = fake.fileStreamRequests().size();
        TestRuns.await("another file_stream request", () -> fake.fileStreamRequests().size() > seen);
      }
    }
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
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of());
    logRows(run, 5);
    TestRuns.await("the run to be created", () -> !fake.graphqlRequests("UpsertBucket").isEmpty());
    fake.fail(HTTP_503, RESET_AFTER_STORING);
    FinishReport report = TestRuns.finishThroughRetries(run, 1, ticker, Duration.ofSeconds(2));
    assertRowsExactlyOnceInOrder(fake.history(), 5);
    assertEquals(1, fake.exitCode().orElseThrow());
    assertTrue(report.uploadComplete());
    assertEquals(3, fake.fileStreamRequests().size());
  }

  @Test
  void aHungFinalRequestIsCutOffAndRetriedWithinTheFinishTimeout() throws Exception {
    // The request timeout as long as the finish timeout: one hung request could take all of it.
    Duration finishTimeout = Duration.ofSeconds(60);
    WandbSettings settings = TestRuns.online(server, dir, ticker).finishTimeout(finishTimeout)
        .requestTimeout(finishTimeout).build();
    assertEquals(Duration.ofSeconds(20), settings.finishingRequestTimeout());
    WandbRun run = WandbRun.start(settings, Map.of());
    logRows(run, 5);
    TestRuns.await("the run to be created", () -> !fake.graphqlRequests("UpsertBucket").isEmpty());
    fake.fail(STALL_AFTER_STORING);
    CompletableFuture<FinishReport> finishing = TestRuns.finishInBackground(run);
    TestRuns.await("the final request to arrive", () -> fake.fileStreamRequests().size() == 1);
    assertEquals(5, fake.history().size(), "the server stored the rows, then never answered");

    // A third of the finish timeout later, the request is cut off and sent again.
    ticker.advance(Duration.ofSeconds(20));
    long retryAt = ticker.awaitWaiting(TestRuns.UPLOADER);
    ticker.advance(Duration.ofNanos(retryAt - ticker.nanoTime()));
    FinishReport report = finishing.get(1, TimeUnit.MINUTES);

    assertTrue(report.uploadComplete(), report.toString());
    assertEquals(0, report.rowsNotUploaded());
    assertEquals(5, report.rowsUploaded());
    assertTrue(report.syncCommand().isEmpty());
    assertEquals(2, fake.fileStreamRequests().size());
    assertEquals(fake.fileStreamRequests().get(0).body(), fake.fileStreamRequests().get(1).body(),
        "the same request, with the same offset, again");
    assertRowsExactlyOnceInOrder(fake.history(), 5);
    assertEquals(0, fake.exitCode().orElseThrow());
    assertTrue(LogCapture.contains("W&B request (sending metrics) failed (no answer within 20.0 s while finishing);"
        + " attempt 1 failed, retrying in"));
  }

  @Test
  void aConnectionDroppedAfterTheServerStoredARequestIsResentByTheRetryPolicyOnly() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).runId("drop0001").build(), Map.of());
    logRows(run, 3);
    TestRuns.await("the run to be created", () -> !fake.graphqlRequests("UpsertBucket").isEmpty());
    fake.fail(RESET_AFTER_STORING);
    CompletableFuture<FinishReport> finishing = TestRuns.finishInBackground(run);
    TestRuns.await("a retry delay or the end", () -> ticker.waitingUntil(TestRuns.UPLOADER).isPresent()
        || finishing.isDone());

    // The POST is not sent again behind the retry policy's back: one request until its delay has passed.
    assertFalse(finishing.isDone(), "the request was sent again at once");
    assertEquals(1, fake.fileStreamRequests().size());
    long retryAt = ticker.awaitWaiting(TestRuns.UPLOADER);
    assertTrue(LogCapture.contains("W&B request (sending metrics) failed (java.io.IOException: unexpected end of"
        + " stream"), "the resend is logged");
    ticker.advance(Duration.ofNanos(retryAt - ticker.nanoTime()));
    FinishReport report = finishing.get(1, TimeUnit.MINUTES);
    assertTrue(report.uploadComplete());
    assertEquals(2, fake.fileStreamRequests().size());
    assertRowsExactlyOnceInOrder(fake.history(), 3);
  }

  @Test
  void aRefusalThatNoRetryCanFixStopsTheUploadAndTheFileKeepsEverything() throws Exception {
    fake.fail(HTTP_404);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of());
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
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).baseUrl(deadUrl).finishTimeout(bound).build(),
        Map.of("lr", 0.1));
    logRows(run, 50);
    // Without the bound this would retry for days: finish() returns once the clock passes it.
    FinishReport report = TestRuns.finishPastTheDeadline(run, ticker, bound);
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
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).finishTimeout(bound).build(), Map.of());
    logRows(run, 10);
    TestRuns.await("the first request to hang", () -> server.getRequestCount() > 0);
    FinishReport report = TestRuns.finishPastTheDeadline(run, ticker, bound);
    assertFalse(report.uploadComplete());
    assertEquals("the upload did not finish within the finish timeout of 1.0 s", report.problem().orElseThrow());
    assertEquals(10, report.rowsNotUploaded());
    assertEquals(10, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }

  @Test
  void aRejectedKeyStopsTheUploadWithAClearMessageAndTheRunGoesOnOffline() throws Exception {
    fake.viewerStatus(401);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of());
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
    Duration bound = Duration.ofMillis(500);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).uploadBufferBytes(limit)
        .finishTimeout(bound).build(), Map.of());
    String tenKilobytes = "z".repeat(10_000);
    for (int i = 0; i < 500; i++) {
      run.log(Map.of("train/text", tenKilobytes, "train/global_step", i));
    }
    TestRuns.await("the writer to take all 500 rows", () -> run.rowsWritten() == 500);
    assertTrue(run.uploadBacklogBytes() >= limit - 20_000, "backlog " + run.uploadBacklogBytes());
    assertTrue(run.uploadBacklogBytes() <= limit, "backlog " + run.uploadBacklogBytes());
    FinishReport report = TestRuns.finishPastTheDeadline(run, ticker, bound);
    assertEquals(500, report.rowsLogged());
    assertEquals(500, report.rowsNotUploaded());
    assertTrue(LogCapture.contains("W&B upload buffer is full"));
    assertEquals(500, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
  }
}
