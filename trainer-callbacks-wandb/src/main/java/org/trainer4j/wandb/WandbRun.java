package org.trainer4j.wandb;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One W&B run: {@link #log(Map)} history rows and {@link #summary(Map)} values from the training
 * thread, then {@link #finish(int)}.
 *
 * <p>{@code log()} only puts the row in a bounded queue (well under a few microseconds); a writer thread
 * numbers the rows and writes the {@code .wandb} file, and for online runs an uploader thread sends
 * them to the server. If the writer falls behind by {@link WandbSettings#maxQueuedRows()} rows (a stalled
 * disk), {@code log()} waits for room rather than lose a row. The network never makes {@code log()}
 * wait: rows that cannot be uploaded stay in the {@code .wandb} file, and {@link #finish(int)} says how
 * to upload them with {@code wandb sync}.
 *
 * <p>The writer thread is core's {@link org.trainer4j.core.writer.BackgroundWriter} (full-queue policy
 * {@code BLOCK}: no row is ever dropped from the {@code .wandb} file). Core's JVM shutdown hook finishes a
 * run the program did not finish, with exit code 1 unless changed with {@link #exitCodeAtShutdown(int)}.
 * With {@code mode=disabled} the run is an inert one: it writes, sends and starts nothing, and its
 * report counts no rows. Thread-safe.
 */
public abstract sealed class WandbRun implements AutoCloseable permits RecordedRun, DisabledRun {
  private static final Logger LOG = LoggerFactory.getLogger(WandbRun.class);

  final WandbSettings settings;
  private final WandbMode mode;
  private final String runId;

  WandbRun(WandbSettings settings, WandbMode mode, String runId) {
    this.settings = settings;
    this.mode = mode;
    this.runId = runId;
  }

  /**
   * Starts a run: creates its folder and {@code .wandb} file, and for online runs starts talking to the
   * server in the background (this call does not wait for the network). An online run without an API
   * key runs offline instead, with a warning that says where a key is looked for.
   *
   * @param config the run's config (e.g. hyperparameters), written as given; values may be numbers,
   *     strings, booleans, lists and maps
   * @throws java.io.UncheckedIOException when the run folder cannot be created
   */
  public static WandbRun start(WandbSettings settings, Map<String, ?> config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    if (settings.mode() == WandbMode.DISABLED) {
      LOG.debug("W&B is disabled; run {} is neither written nor sent", settings.runId());
      return new DisabledRun(settings);
    }
    return RecordedRun.startRecording(settings, config);
  }

  /**
   * Adds one history row. W&B adds {@code _step} (0, 1, 2, ... per call), {@code _runtime} and {@code
   * _timestamp}; keys are flat ({@code train/loss}); values may be numbers, strings, booleans, lists
   * and maps. The row is copied (its values are not: do not change them afterwards). Ignored with a
   * warning after {@link #finish(int)}.
   *
   * @throws IllegalArgumentException for a null or empty key
   */
  public abstract void log(Map<String, ?> row);

  /**
   * Sets summary values (shown in the runs table), e.g. end-of-training figures that are not history.
   * The summary also holds the latest value of every logged key.
   */
  public abstract void summary(Map<String, ?> values);

  /**
   * Ends the run: writes the rest of the {@code .wandb} file and, online, waits until the server has
   * everything and marked the run complete, for at most {@link WandbSettings#finishTimeout()}. Then it
   * logs what was not sent and the {@code wandb sync} command that sends it. Calling it again returns
   * the first report.
   *
   * @param exitCode 0 for a run that finished, anything else for one that failed
   */
  public abstract FinishReport finish(int exitCode);

  /** Finishes with exit code 0 (see {@link #finish(int)}). */
  @Override
  public final void close() {
    finish(0);
  }

  /** Whether {@link #finish(int)} was called. */
  public abstract boolean isFinished();

  /** The exit code the shutdown hook uses if the program ends without finishing the run (default 1). */
  public abstract void exitCodeAtShutdown(int exitCode);

  public final String runId() {
    return runId;
  }

  /** Where the run goes: offline when it was meant to be online but no API key was found. */
  public final WandbMode mode() {
    return mode;
  }

  /** The run's folder ({@code .../wandb/run-...} or {@code offline-run-...}); empty when disabled. */
  public abstract Optional<Path> directory();

  /** The run's {@code .wandb} file; empty when disabled. */
  public abstract Optional<Path> file();

  /** The run's page on the W&B site, once the server has created the run. */
  public abstract Optional<String> url();

  /** Rows and summary updates logged but not yet taken by the writer thread (for monitoring). */
  public abstract int backlog();

  /** History rows the writer thread has taken so far (for tests). */
  abstract long rowsWritten();

  /** Whether the writer thread has written everything and closed the {@code .wandb} file (for tests). */
  abstract boolean writerFinished();

  /** Bytes of history waiting for upload (0 for offline runs). */
  abstract long uploadBacklogBytes();

  @Override
  public final String toString() {
    return "WandbRun{id=" + runId + ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT)
        + directory().map(d -> ", directory=" + d).orElse("") + (isFinished() ? ", finished" : "") + "}";
  }
}
