package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.testkit.CallbackDriver;

/**
 * The API key must reach the server's Authorization header and nothing else: no log line, exception,
 * toString(), config upload, request body or file. Runs the paths that log the most (retries, a
 * rejected key, a dead server, bad settings), then searches everything they produced.
 */
class ApiKeyLeakTest {
  @TempDir Path dir;

  private final List<String> texts = new ArrayList<>();

  private void keep(Object o) {
    texts.add(String.valueOf(o));
  }

  private void keep(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    texts.add(out.toString());
  }

  @Test
  void theKeyAppearsOnlyInTheAuthorizationHeader() throws Exception {
    List<FakeWandbServer.Request> requests = new ArrayList<>();

    // 1. A run with failures and retries, whose config, name, notes, tags, group, job type and rows hold
    //    the key by mistake.
    try (MockWebServer server = new MockWebServer()) {
      FakeWandbServer fake = FakeWandbServer.on(server);
      server.start();
      fake.fail(FakeWandbServer.Fault.HTTP_500, FakeWandbServer.Fault.RESET_AFTER_STORING);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("lr", 0.1);
      config.put("oops_a_secret", TestRuns.KEY);
      config.put("nested", Map.of("token", "Bearer " + TestRuns.KEY));
      WandbSettings settings = TestRuns.online(server, dir.resolve("ok")).runId("leak0001")
          .runName(TestRuns.KEY).notes("see " + TestRuns.KEY).tags(TestRuns.KEY, "ok").runGroup(TestRuns.KEY)
          .jobType(TestRuns.KEY).host(TestRuns.KEY).transmitInterval(Duration.ofMillis(20)).build();
      keep(settings);
      WandbRun run = WandbRun.start(settings, config);
      keep(run);
      for (int i = 0; i < 30; i++) {
        run.log(Map.of("train/loss", i, "train/global_step", i));
      }
      run.log(Map.of("train/note", "token " + TestRuns.KEY, "train/" + TestRuns.KEY, 1, "train/global_step", 30));
      run.summary(Map.of("train/secret", List.of(TestRuns.KEY)));
      keep(run.finish(0));
      requests.addAll(fake.requests());
      assertTrue(fake.exitCode().isPresent(), "the run completed");
    }

    // 2. A rejected key.
    try (MockWebServer server = new MockWebServer()) {
      FakeWandbServer fake = FakeWandbServer.on(server).viewerStatus(401);
      server.start();
      WandbRun run = WandbRun.start(TestRuns.online(server, dir.resolve("rejected")).runId("leak0002").build(), Map.of());
      run.log(Map.of("train/loss", 1));
      keep(run.finish(0));
      requests.addAll(fake.requests());
    }

    // 3. A server that is down; the callback path with the key from a netrc file.
    MockWebServer dead = new MockWebServer();
    dead.start();
    String deadUrl = dead.url("/").toString();
    dead.close();
    Path netrc = dir.resolve("netrc");
    Files.writeString(netrc, "machine localhost login user password " + TestRuns.KEY + "\n");
    ManualTicker ticker = new ManualTicker();
    Duration finishTimeout = Duration.ofSeconds(1);
    WandbSettings fromNetrc = WandbSettings.fromEnvironment(Map.of("NETRC", netrc.toString(),
        "WANDB_BASE_URL", deadUrl, "WANDB_DIR", dir.resolve("down").toString(), "WANDB_RUN_ID", "leak0003"))
        .finishTimeout(finishTimeout).retryBaseDelay(Duration.ofMillis(10)).ticker(ticker).build();
    assertTrue(fromNetrc.hasApiKey());
    keep(fromNetrc);
    WandbCallback callback = new WandbCallback(fromNetrc);
    // The run name (HF's run_name, here the output folder) holds the key.
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve("out-" + TestRuns.KEY).toString())
        .saveStrategy("no").loggingSteps(1).build();
    CallbackDriver.builder(args).trainExamples(16).callbacks(callback).build().train();
    WandbRun down = callback.run().orElseThrow();
    keep(down);
    keep(TestRuns.finishPastTheDeadline(down, ticker, finishTimeout));

    // 4. Exceptions: a malformed key, a run folder that cannot be created.
    keep(assertThrows(IllegalArgumentException.class,
        () -> WandbSettings.builder().apiKey(TestRuns.KEY + " x").build()));
    Path notAFolder = dir.resolve("file");
    Files.writeString(notAFolder, "x");
    keep(assertThrows(RuntimeException.class, () -> WandbRun.start(
        WandbSettings.builder().apiKey(TestRuns.KEY).directory(notAFolder).build(), Map.of())));

    // The log file really holds these runs' lines.
    String log = LogCapture.text();
    assertTrue(log.contains("leak0001") && log.contains("leak0002") && log.contains("leak0003"));
    assertTrue(log.contains("the W&B API key was rejected by"));
    texts.add(log);

    for (FakeWandbServer.Request r : requests) {
      assertEquals(TestRuns.BASIC, r.headers().get("Authorization"));
      texts.add(r.path());
      texts.add(r.body());
      texts.add(r.headers().newBuilder().removeAll("Authorization").build().toString());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.equals(netrc)).toList()) {
        texts.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }

    String basicToken = TestRuns.BASIC.substring("Basic ".length());
    for (String text : texts) {
      assertFalse(text.contains(TestRuns.KEY), () -> "the API key leaked into: " + text.substring(0, Math.min(300, text.length())));
      assertFalse(text.contains(basicToken), () -> "the Basic token leaked into: " + text);
    }
    // The key the user put in the config went up redacted.
    String upsert = requests.stream().filter(r -> r.path().equals("/graphql") && r.operation().equals("UpsertBucket"))
        .findFirst().orElseThrow().json().path("variables").path("config").asText();
    assertTrue(upsert.contains("\"oops_a_secret\":{\"value\":\"<redacted>\"}"), upsert);
    JsonNode created = requests.stream().filter(r -> r.path().equals("/graphql") && r.operation().equals("UpsertBucket"))
        .findFirst().orElseThrow().json().path("variables");
    assertEquals("<redacted>", created.path("displayName").asText());
    assertEquals("see <redacted>", created.path("notes").asText());
    assertEquals("[\"<redacted>\",\"ok\"]", created.path("tags").toString());
    assertEquals("<redacted>", created.path("groupName").asText());
    // An identifier cannot be redacted (it names the run's address): it is refused.
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> WandbSettings.builder().apiKey(TestRuns.KEY).project("p" + TestRuns.KEY).build());
    assertFalse(refused.getMessage().contains(TestRuns.KEY));
    assertEquals("project contains the W&B API key, which would then appear in the run's address and file names;"
        + " use another project", refused.getMessage());
  }

  @Test
  void authenticationIsSentOnlyUnderTheBaseUrl() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body("{}").build());
      server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body("{}").build());
      server.start();
      String base = server.url("/wandb").toString();
      WandbHttp http = new WandbHttp(base, java.util.Optional.of(TestRuns.KEY), Duration.ofSeconds(5));
      WandbHttp.execute(http.post(http.url("graphql"), "{}"));
      WandbHttp.execute(http.post(HttpUrl.get(server.url("/elsewhere").toString()), "{}"));
      http.shutdown();
      assertEquals(TestRuns.BASIC, server.takeRequest().getHeaders().get("Authorization"));
      assertNull(server.takeRequest().getHeaders().get("Authorization"));
    }
  }
}
