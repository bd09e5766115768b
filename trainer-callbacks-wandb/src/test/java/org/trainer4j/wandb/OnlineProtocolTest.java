package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.wandb.TestRuns.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.testkit.WandbFileReader;

/**
 * The exact requests an online run makes, against a W&B server on loopback. The runs go by a manual
 * clock: no interval, heartbeat or timeout passes unless the test moves it, so every request counted
 * here is one the protocol calls for.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OnlineProtocolTest {
  @TempDir Path dir;
  @StartStop private final MockWebServer server = new MockWebServer();
  private final ManualTicker ticker = new ManualTicker();
  private FakeWandbServer fake;

  @BeforeEach
  void answerAsWandb() {
    fake = FakeWandbServer.on(server);
  }

  private static Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("learning_rate", 0.001);
    config.put("output_dir", "out");
    config.put("model/num_parameters", 42L);
    return config;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }

  @Test
  void aRunIsCheckedCreatedStreamedAndCompletedWithTheSdksRequests() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).tags("a", "b").runGroup("g").build(), config());
    run.log(Map.of("train/loss", 0.5, "train/global_step", 1));
    Map<String, Object> eval = new LinkedHashMap<>();
    eval.put("eval/loss", 0.25);
    eval.put("train/global_step", 1);
    run.log(eval);
    run.summary(Map.of("train/train_runtime", 1.5));
    Map<String, Object> last = new LinkedHashMap<>();
    last.put("train/loss", 0.125);
    last.put("train/global_step", 2);
    run.log(last);
    FinishReport report = run.finish(0);

    List<FakeWandbServer.Request> requests = fake.requests();
    assertEquals(List.of("/graphql", "/graphql", "/graphql", "/graphql", "/storage/wandb-summary.json",
        "/storage/config.yaml", "/files/alice/proj/abc123xy/file_stream"),
        requests.stream().map(FakeWandbServer.Request::path).toList());
    for (FakeWandbServer.Request r : requests) {
      assertEquals(TestRuns.BASIC, r.headers().get("Authorization"), r.path());
      if (!r.path().startsWith(FakeWandbServer.STORAGE)) {
        assertTrue(r.headers().get("Content-Type").startsWith("application/json"), r.path());
      }
    }

    JsonNode viewer = requests.get(0).json();
    assertEquals("Viewer", viewer.path("operationName").asText());
    assertEquals(Uploader.VIEWER_QUERY, viewer.path("query").asText());
    assertEquals(0, viewer.path("variables").size());
    assertEquals("ServerFeaturesQuery", requests.get(1).operation());

    JsonNode upsert = requests.get(2).json();
    assertEquals("UpsertBucket", upsert.path("operationName").asText());
    assertEquals(Uploader.UPSERT_MUTATION, upsert.path("query").asText());
    JsonNode v = upsert.path("variables");
    assertEquals(List.of("id", "name", "project", "entity", "groupName", "description", "displayName", "notes",
        "commit", "config", "host", "debug", "program", "repo", "jobType", "state", "sweep", "tags",
        "summaryMetrics"), fieldNames(v));
    assertEquals("abc123xy", v.path("name").asText());
    assertEquals("proj", v.path("project").asText());
    assertTrue(v.path("entity").isNull(), "no entity set: the server's default");
    assertEquals("g", v.path("groupName").asText());
    assertEquals("my run", v.path("displayName").asText());
    assertEquals("testhost", v.path("host").asText());
    assertEquals("[\"a\",\"b\"]", v.path("tags").toString());
    for (String unset : List.of("id", "description", "notes", "commit", "debug", "program", "repo", "jobType",
        "state", "sweep", "summaryMetrics")) {
      assertTrue(v.path(unset).isNull(), unset);
    }
    assertEquals("{\"learning_rate\":{\"value\":0.001},\"output_dir\":{\"value\":\"out\"},"
        + "\"model/num_parameters\":{\"value\":42},"
        + "\"_wandb\":{\"value\":{\"m\":[{\"1\":\"train/global_step\",\"6\":[3]},{\"2\":\"*\",\"5\":1,\"6\":[1]}]}}}",
        v.path("config").asText());

    // At finish, as the SDK: the run files (where to put them, then a PUT of each)...
    JsonNode createFiles = requests.get(3).json();
    assertEquals("CreateRunFiles", createFiles.path("operationName").asText());
    assertEquals(Uploader.CREATE_RUN_FILES_MUTATION, createFiles.path("query").asText());
    assertEquals("{\"entity\":\"alice\",\"project\":\"proj\",\"run\":\"abc123xy\","
        + "\"files\":[\"wandb-summary.json\",\"config.yaml\"]}", createFiles.path("variables").toString());
    for (FakeWandbServer.Request put : requests.subList(4, 6)) {
      assertEquals("signed", put.headers().get("X-Upload-Check"), "the headers CreateRunFiles asked for");
    }
    assertEquals(Files.readString(run.directory().orElseThrow().resolve("files/config.yaml")),
        fake.storedFiles().get("config.yaml"));
    JsonNode uploadedSummary = json(fake.storedFiles().get("wandb-summary.json"));
    assertEquals(0.125, uploadedSummary.path("train/loss").asDouble());
    assertEquals(1.5, uploadedSummary.path("train/train_runtime").asDouble());

    // ...then one file_stream request (the interval is an hour): the rows, the summary, the uploaded
    // files and completion.
    JsonNode stream = requests.get(6).json();
    assertEquals(List.of("files", "uploaded", "complete", "exitcode"), fieldNames(stream));
    assertEquals(List.of("wandb-summary.json", "config.yaml"), fake.uploaded());
    assertTrue(stream.path("complete").asBoolean());
    assertEquals(0, stream.path("exitcode").asInt());
    JsonNode historyFile = stream.path("files").path(Uploader.HISTORY_FILE);
    assertEquals(0, historyFile.path("offset").asInt());
    assertEquals(3, historyFile.path("content").size());

    List<Map<String, String>> fileRows = WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow()));
    for (int i = 0; i < 3; i++) {
      String line = historyFile.path("content").get(i).asText();
      JsonNode row = json(line);
      assertEquals(i, row.path("_step").asInt());
      assertEquals(List.of("_runtime", "_timestamp", "_step"), fieldNames(row).subList(2, 5), line);
      // The uploaded line and the .wandb row carry the same values.
      Map<String, String> fileRow = fileRows.get(i);
      for (String key : fieldNames(row)) {
        assertEquals(json(fileRow.get(key)), row.path(key), key);
      }
    }
    assertEquals(0.5, json(historyFile.path("content").get(0).asText()).path("train/loss").asDouble());
    assertEquals(0.25, json(historyFile.path("content").get(1).asText()).path("eval/loss").asDouble());
    assertEquals("{\"train/loss\":0.125,\"train/global_step\":2,", historyFile.path("content").get(2).asText()
        .substring(0, 42));

    JsonNode summaryFile = stream.path("files").path(Uploader.SUMMARY_FILE);
    assertEquals(0, summaryFile.path("offset").asInt());
    assertEquals(1, summaryFile.path("content").size());
    JsonNode summary = json(summaryFile.path("content").get(0).asText());
    assertEquals(0.125, summary.path("train/loss").asDouble());
    assertEquals(0.25, summary.path("eval/loss").asDouble());
    assertEquals(2, summary.path("train/global_step").asInt());
    assertEquals(1.5, summary.path("train/train_runtime").asDouble());
    assertEquals(2, summary.path("_step").asInt());
    assertTrue(summary.path("_wandb").path("runtime").isInt());

    assertTrue(report.uploadComplete());
    assertEquals(3, report.rowsLogged());
    assertEquals(3, report.rowsUploaded());
    assertEquals(0, report.rowsNotUploaded());
    assertTrue(report.syncCommand().isEmpty());
    assertTrue(report.problem().isEmpty(), report.problem().toString());
    String base = server.url("/").toString();
    assertEquals(base + "alice/proj/runs/abc123xy", report.url().orElseThrow());
    assertEquals(List.of(), fake.problems());
  }

  @Test
  void withoutServerGlobExpansionEachKeyGetsItsOwnMetricDefinition() throws Exception {
    fake.expandsGlobs(false);
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of("seed", 42));
    TestRuns.await("the run to be created", () -> !fake.graphqlRequests("UpsertBucket").isEmpty());
    run.log(Map.of("train/loss", 0.5, "train/global_step", 1));
    run.log(Map.of("eval/accuracy", 0.75, "train/global_step", 1));
    run.finish(0);

    List<FakeWandbServer.Request> upserts = fake.graphqlRequests("UpsertBucket");
    assertEquals(2, upserts.size());
    assertEquals("{\"seed\":{\"value\":42},\"_wandb\":{\"value\":{\"m\":[{\"1\":\"train/global_step\",\"6\":[3]}]}}}",
        upserts.get(0).json().path("variables").path("config").asText());
    JsonNode update = upserts.get(1).json().path("variables");
    assertEquals("abc123xy", update.path("name").asText());
    assertEquals("proj", update.path("project").asText());
    assertEquals("alice", update.path("entity").asText());
    assertTrue(update.path("displayName").isNull());
    assertEquals("{\"seed\":{\"value\":42},\"_wandb\":{\"value\":{\"m\":[{\"1\":\"train/global_step\",\"6\":[3]},"
        + "{\"1\":\"train/loss\",\"5\":1,\"6\":[1]},{\"1\":\"eval/accuracy\",\"5\":1,\"6\":[1]}]}}}",
        update.path("config").asText());
    // The definitions reach the server before the rows that use them.
    List<FakeWandbServer.Request> all = fake.requests();
    assertTrue(all.indexOf(upserts.get(1)) < all.indexOf(fake.fileStreamRequests().get(0)));
    assertEquals(2, fake.history().size());
  }

  /**
   * Checks that the uploader's next file_stream request is due at {@code due} on the clock: waiting for
   * it, not sent a millisecond before, sent at it. Returns the clock then.
   */
  private long nextRequestIsDueAt(long due) throws InterruptedException {
    int before = fake.fileStreamRequests().size();
    ticker.awaitWaiting(TestRuns.UPLOADER, due);
    ticker.advance(Duration.ofNanos(due - ticker.nanoTime() - 1_000_000));
    ticker.awaitWaiting(TestRuns.UPLOADER, due);
    assertEquals(before, fake.fileStreamRequests().size(), "nothing sent a millisecond before it is due");
    ticker.advance(Duration.ofMillis(1));
    TestRuns.await("request " + (before + 1), () -> fake.fileStreamRequests().size() == before + 1);
    return ticker.nanoTime();
  }

  @Test
  void requestsAreAtMostOnePerIntervalAndAnEmptyHeartbeatKeepsTheRunAlive() throws Exception {
    long interval = Duration.ofSeconds(15).toNanos();
    long heartbeat = Duration.ofSeconds(30).toNanos();
    long start = ticker.nanoTime();
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).transmitInterval(Duration.ofNanos(interval))
        .heartbeatInterval(Duration.ofNanos(heartbeat)).build(), Map.of());
    // Idle, the uploader's next request is a heartbeat.
    ticker.awaitWaiting(TestRuns.UPLOADER, start + heartbeat);

    // Rows make a request due one interval after the last one (here: the start), not sooner.
    for (int i = 0; i < 3; i++) {
      run.log(Map.of("train/loss", i, "train/global_step", i));
    }
    long first = nextRequestIsDueAt(start + interval);
    assertEquals(3, fake.fileStreamRequests().get(0).json().path("files").path(Uploader.HISTORY_FILE)
        .path("content").size());

    // The next rows wait a whole interval after that request.
    ticker.awaitWaiting(TestRuns.UPLOADER, first + heartbeat);
    run.log(Map.of("train/loss", 3, "train/global_step", 3));
    long second = nextRequestIsDueAt(first + interval);

    // Nothing to send: an empty request one heartbeat interval later, so the server knows the run lives.
    nextRequestIsDueAt(second + heartbeat);
    assertEquals("{}", fake.fileStreamRequests().get(2).body());

    run.finish(0);
    assertEquals(4, fake.fileStreamRequests().size());
    assertEquals(4, fake.history().size());
    assertEquals(List.of(), fake.problems());
  }

  @Test
  void aFullRequestIsSentWithoutWaitingForTheInterval() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of());
    String megabyte = "x".repeat(1 << 20);
    for (int i = 0; i < 12; i++) {
      run.log(Map.of("train/text", megabyte, "train/global_step", i));
    }
    TestRuns.await("a request before finish()", () -> !fake.fileStreamRequests().isEmpty());
    run.finish(0);
    List<FakeWandbServer.Request> streams = fake.fileStreamRequests();
    assertTrue(streams.size() >= 2);
    for (FakeWandbServer.Request r : streams) {
      long bytes = 0;
      for (JsonNode line : r.json().path("files").path(Uploader.HISTORY_FILE).path("content")) {
        bytes += line.asText().length();
      }
      assertTrue(bytes <= Uploader.MAX_REQUEST_BYTES, "request of " + bytes + " bytes");
    }
    assertEquals(12, fake.history().size());
    assertEquals(List.of(), fake.problems());
  }

  @Test
  void aLineOverTheServerLimitIsDroppedWithAWarningAndTheRestArrives() throws Exception {
    WandbRun run = WandbRun.start(TestRuns.online(server, dir, ticker).build(), Map.of());
    run.log(Map.of("train/loss", 1.0, "train/global_step", 1));
    run.log(Map.of("train/huge_text", "y".repeat(Uploader.MAX_LINE_BYTES + 1), "train/global_step", 2));
    run.log(Map.of("train/loss", 0.5, "train/global_step", 3));
    FinishReport report = run.finish(0);

    List<String> history = fake.history();
    assertEquals(2, history.size());
    assertEquals(0, json(history.get(0)).path("_step").asInt());
    assertEquals(2, json(history.get(1)).path("_step").asInt());
    assertFalse(fake.summary().orElseThrow().contains("huge_text"));
    assertEquals(1, report.rowsNotUploaded());
    assertEquals(3, report.rowsLogged());
    // The .wandb file keeps it.
    assertEquals(3, WandbFileReader.historyRows(WandbFileReader.read(run.file().orElseThrow())).size());
    assertTrue(LogCapture.contains("Skipped uploading run.log() data that exceeded size limit")
        && LogCapture.contains("'train/huge_text'"));
  }
}
