package org.trainer4j.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockWebServer;

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

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
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
