package org.trainer4j.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/** Shared settings and helpers for the W&B tests. */
final class TestRuns {
  /** A made-up key of the SDK's format (40 word characters). */
  static final String KEY = "t4jtestkey0123456789abcdefghijklmnopqrst";
  static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8));
  static final ObjectMapper JSON = new ObjectMapper();

  private TestRuns() {}

  /** Online settings against a MockWebServer, with fast retries and a long transmit interval. */
  static WandbSettings.Builder online(MockWebServer server, Path dir) {
    return WandbSettings.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/").toString())
        .project("proj")
        .runId("abc123xy")
        .runName("my run")
        .host("testhost")
        .directory(dir)
        .transmitInterval(Duration.ofHours(1))
        .retryBaseDelay(Duration.ofMillis(10))
        .retryMaxDelay(Duration.ofMillis(100))
        .requestTimeout(Duration.ofSeconds(5))
        .finishTimeout(Duration.ofSeconds(60));
  }

  static WandbSettings.Builder offline(Path dir) {
    return WandbSettings.builder().mode(WandbMode.OFFLINE).project("proj").runId("off12345").directory(dir)
        .host("testhost");
  }

  /** An ordered map from key, value pairs. */
  static Map<String, Object> row(Object... pairs) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      row.put((String) pairs[i], pairs[i + 1]);
    }
    return row;
  }

  /** Makes the server accept every request and never answer. */
  static void stallEverything(MockWebServer server) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
      }
    });
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** The prefix of the uploader thread's name. */
  static final String UPLOADER = "wandb-uploader-";

  /** Online settings on a manual clock: nothing happens on time unless the test moves the clock. */
  static WandbSettings.Builder online(MockWebServer server, Path dir, ManualTicker ticker) {
    return online(server, dir).ticker(ticker).requestTimeout(Duration.ofSeconds(60));
  }

  /** Calls {@code finish(0)} on a thread of its own, so that the test can move the clock meanwhile. */
  static CompletableFuture<FinishReport> finishInBackground(WandbRun run) {
    return finishInBackground(run, 0);
  }

  static CompletableFuture<FinishReport> finishInBackground(WandbRun run, int exitCode) {
    CompletableFuture<FinishReport> report = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        report.complete(run.finish(exitCode));
      } catch (Throwable t) {
        report.completeExceptionally(t);
      }
    }, "test-finish");
    thread.setDaemon(true);
    thread.start();
    return report;
  }

  /**
   * Finishes a run whose upload cannot complete: once the {@code .wandb} file is complete, moves the
   * clock past the finish timeout.
   */
  static FinishReport finishPastTheDeadline(WandbRun run, ManualTicker ticker, Duration finishTimeout)
      throws Exception {
    CompletableFuture<FinishReport> report = finishInBackground(run);
    await("the .wandb file to be complete", run::writerFinished);
    ticker.advance(finishTimeout);
    return report.get(1, TimeUnit.MINUTES);
  }

  /**
   * Finishes a run on a manual clock, moving the clock to the end of each retry delay (each wait of the
   * uploader up to {@code maxDelay}) until finish() returns.
   */
  static FinishReport finishThroughRetries(WandbRun run, int exitCode, ManualTicker ticker, Duration maxDelay)
      throws Exception {
    CompletableFuture<FinishReport> report = finishInBackground(run, exitCode);
    while (!report.isDone()) {
      OptionalLong until = ticker.waitingUntil(UPLOADER);
      long step = until.isPresent() ? until.getAsLong() - ticker.nanoTime() : -1;
      if (step > 0 && step <= maxDelay.toNanos()) {
        ticker.advance(Duration.ofNanos(step));
      } else {
        Thread.sleep(1);
      }
    }
    return report.get();
  }

  /** Waits (up to a minute) for a condition that the background threads make true. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
