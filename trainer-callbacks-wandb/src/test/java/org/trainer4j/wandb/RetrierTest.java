package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import org.junit.jupiter.api.Test;

/** The retry loop on its own: real HTTP on loopback, the backoff read off a manual clock. */
class RetrierTest {
  private static final Duration BASE = Duration.ofSeconds(2);
  private static final Duration MAX = Duration.ofSeconds(30);

  /** Records the waits the retrier asks for (in ns after the clock's now) instead of waiting. */
  private static final class RecordedAttempts implements Retrier.Attempts {
    final ManualTicker ticker = new ManualTicker();
    final List<Long> backOffs = new ArrayList<>();
    int begun;
    int ended;
    boolean stopped;

    @Override
    public void begin(Call call) throws UploadAbandoned {
      if (stopped) {
        throw new UploadAbandoned();
      }
      begun++;
    }

    @Override
    public void end() {
      ended++;
    }

    @Override
    public String describe(Call call, IOException e) {
      return e.toString();
    }

    @Override
    public void backOff(long untilNanos) {
      backOffs.add(untilNanos - ticker.nanoTime());
    }
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{}").build();
  }

  private static HttpResult send(MockWebServer server, RecordedAttempts attempts, RetryPolicy policy)
      throws Exception {
    WandbHttp http = new WandbHttp(server.url("/").toString(), Optional.of("k".repeat(40)), Duration.ofSeconds(5));
    try {
      return new Retrier(attempts.ticker, attempts).send(() -> http.post(http.url("graphql"), "{}"), policy, "a test");
    } finally {
      http.shutdown();
    }
  }

  @Test
  void serverErrorsAreRetriedWithExponentialBackoffUntilOneSucceeds() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(status(503));
      server.enqueue(status(500));
      server.enqueue(status(429));
      server.enqueue(status(200));
      server.start();
      RecordedAttempts attempts = new RecordedAttempts();
      HttpResult result = send(server, attempts, new RetryPolicy(RetryPolicy.GRAPHQL_FINAL, BASE, MAX));

      assertEquals(200, result.code());
      assertEquals(4, server.getRequestCount(), "three failures, then the success");
      assertEquals(4, attempts.begun);
      assertEquals(4, attempts.ended, "every attempt is ended, failed or not");
      assertEquals(3, attempts.backOffs.size());
      for (int k = 0; k < 3; k++) {
        long base = BASE.toNanos() << k; // 2 s, 4 s, 8 s, plus up to 25% jitter
        long wait = attempts.backOffs.get(k);
        assertTrue(wait >= base && wait <= base + base / 4, "wait " + k + ": " + wait + " ns");
      }
    }
  }

  @Test
  void theServersRetryAfterDecidesTheWait() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").body("{}").build());
      server.enqueue(status(200));
      server.start();
      RecordedAttempts attempts = new RecordedAttempts();
      send(server, attempts, new RetryPolicy(RetryPolicy.FILE_STREAM_FINAL, BASE, MAX));
      assertEquals(List.of(Duration.ofSeconds(7).toNanos()), attempts.backOffs);
    }
  }

  @Test
  void aFinalRefusalIsNotRetried() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(status(409));
      server.enqueue(status(200));
      server.start();
      RecordedAttempts attempts = new RecordedAttempts();
      RequestRejected e = assertThrows(RequestRejected.class,
          () -> send(server, attempts, new RetryPolicy(RetryPolicy.FILE_STREAM_FINAL, BASE, MAX)));
      assertEquals(409, e.result.code());
      assertEquals(1, server.getRequestCount(), "file_stream gives up on a conflict");
      assertEquals(List.of(), attempts.backOffs);
    }
  }

  @Test
  void aStoppedUploadSendsNothingMore() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      RecordedAttempts attempts = new RecordedAttempts();
      attempts.stopped = true;
      assertThrows(UploadAbandoned.class,
          () -> send(server, attempts, new RetryPolicy(RetryPolicy.GRAPHQL_FINAL, BASE, MAX)));
      assertEquals(0, server.getRequestCount());
    }
  }
}
