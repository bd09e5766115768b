package org.trainer4j.wandb;

/** A request the server refused for good: no retry can fix it ({@link RetryPolicy#retries(int)} said no). */
final class RequestRejected extends Exception {
  final HttpResult result;

  RequestRejected(HttpResult result) {
    super("HTTP " + result.code(), null, false, false);
    this.result = result;
  }
}
