package org.trainer4j.wandb;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one W&B request until it succeeds, the server refuses it for good ({@link RequestRejected}) or
 * the upload is abandoned ({@link UploadAbandoned}): after each failure it waits as the {@link
 * RetryPolicy} says, on the {@link Ticker} (a manual one in tests), and logs the first failure and then
 * at most one warning a minute. Each attempt is a new {@link Call}, registered with its owner so that
 * {@code finish()} can cancel it.
 */
final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  private static final long WARN_AGAIN_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** What the retry loop needs from the uploader, which tracks the call in flight under its lock. */
  interface Attempts {
    /** An attempt starts with this call; throws when the upload was stopped meanwhile. */
    void begin(Call call) throws UploadAbandoned;

    /** The attempt is over (answered or failed). */
    void end();

    /** Describes a failed call; throws when the failure is the upload being stopped. */
    String describe(Call call, IOException e) throws UploadAbandoned;

    /** Waits until the ticker reaches {@code untilNanos}; throws when the upload is stopped meanwhile. */
    void backOff(long untilNanos) throws UploadAbandoned;
  }

  private final Ticker ticker;
  private final Attempts attempts;

  Retrier(Ticker ticker, Attempts attempts) {
    this.ticker = ticker;
    this.attempts = attempts;
  }

  /** Sends the calls {@code calls} makes, one per attempt, until one succeeds. */
  HttpResult send(Supplier<Call> calls, RetryPolicy policy, String what) throws RequestRejected, UploadAbandoned {
    int failures = 0;
    long lastWarning = 0;
    while (true) {
      Call call = calls.get();
      attempts.begin(call);
      HttpResult result = null;
      String failure;
      try {
        result = WandbHttp.execute(call);
        if (result.isSuccessful()) {
          if (failures > 0) {
            LOG.info("W&B request ({}) succeeded after {} failed attempts", what, failures);
          }
          return result;
        }
        if (!policy.retries(result.code())) {
          throw new RequestRejected(result);
        }
        failure = "HTTP " + result.code();
      } catch (IOException e) {
        failure = attempts.describe(call, e);
      } finally {
        attempts.end();
      }
      failures++;
      Duration delay = policy.delay(failures, result == null ? Optional.empty() : result.retryAfter());
      long now = ticker.nanoTime();
      if (failures == 1 || now - lastWarning >= WARN_AGAIN_NANOS) {
        lastWarning = now;
        LOG.warn("W&B request ({}) failed ({}); attempt {} failed, retrying in {}", what, failure, failures,
            Uploader.seconds(delay));
      } else {
        LOG.debug("W&B request ({}) failed ({}); retrying in {}", what, failure, Uploader.seconds(delay));
      }
      attempts.backOff(now + delay.toNanos());
    }
  }
}
