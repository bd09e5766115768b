package org.trainer4j.wandb;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a W&B request again, and how long to wait first, as W&B's own client does: network
 * errors and most HTTP failures (408, 429, 5xx) are retried with exponential backoff (the base delay
 * doubling up to the maximum, plus up to 25% jitter) or after the server's {@code Retry-After}; answers
 * that no retry can fix are not.
 */
final class RetryPolicy {
  /** file_stream: retried unless the request itself is wrong, forbidden or unsupported. */
  static final Set<Integer> FILE_STREAM_FINAL = Set.of(400, 401, 403, 404, 409, 410, 413, 422, 501);
  /** GraphQL: the same, except that a conflict (409) is worth another try. */
  static final Set<Integer> GRAPHQL_FINAL = Set.of(400, 401, 403, 404, 410, 413, 422, 501);

  private final Set<Integer> finalCodes;
  private final Duration baseDelay;
  private final Duration maxDelay;

  RetryPolicy(Set<Integer> finalCodes, Duration baseDelay, Duration maxDelay) {
    this.finalCodes = finalCodes;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** Whether an HTTP failure with this status is worth retrying. */
  boolean retries(int code) {
    return code >= 300 && !finalCodes.contains(code);
  }

  /** How long to wait before attempt {@code failures + 1}, given the server's wish if any. */
  Duration delay(int failures, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      return retryAfter.get();
    }
    double base = baseDelay.toNanos() * Math.pow(2, Math.min(failures - 1, 30));
    double jittered = Math.min(base, maxDelay.toNanos()) * (1 + 0.25 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofNanos((long) Math.min(jittered, maxDelay.toNanos()));
  }
}
