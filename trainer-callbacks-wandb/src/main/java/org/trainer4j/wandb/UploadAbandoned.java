package org.trainer4j.wandb;

/** Thrown on the uploader thread when {@code finish()} gave up waiting: the upload stops at once. */
final class UploadAbandoned extends Exception {
  UploadAbandoned() {
    super("abandoned", null, false, false);
  }
}
