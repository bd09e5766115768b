package org.trainer4j.wandb;

import java.time.Duration;
import java.util.Optional;

/** One HTTP answer: status, body, and the server's {@code Retry-After} when it gave one. */
record HttpResult(int code, String body, Optional<Duration> retryAfter) {
  boolean isSuccessful() {
    return code >= 200 && code < 300;
  }
}
