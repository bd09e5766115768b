package org.trainer4j.tensorboard;

import java.util.Map;

/**
 * What the calling thread hands to the writer thread: values already validated and copied, so that
 * building protobuf messages, checksums and I/O all happen on the writer thread.
 */
sealed interface Pending {
  /** One scalar. */
  record Scalar(String tag, float value, long step, double wallTime) implements Pending {}

  /** Several scalars at one step, written as one event. */
  record Scalars(String[] tags, float[] values, long step, double wallTime) implements Pending {}

  /** One Markdown text. */
  record Text(String tag, String text, long step, double wallTime) implements Pending {}

  /** Raw values to bucket into a histogram. */
  record Histogram(String tag, double[] values, long step, double wallTime) implements Pending {}

  /** One hparams session: values are Double, Boolean or String; metrics by tag; times in seconds. */
  record Hparams(Map<String, Object> hparams, Map<String, Float> metrics, double startTime, double wallTime)
      implements Pending {}

  /** A SessionLog START: the run (re)starts at this step. */
  record SessionStart(long step, double wallTime) implements Pending {}
}
