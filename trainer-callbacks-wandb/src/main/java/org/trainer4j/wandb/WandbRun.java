package org.trainer4j.wandb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.writer.ShutdownRegistry;
import org.trainer4j.core.writer.ShutdownTask;
import org.trainer4j.wandb.RunWriter.Event;
import org.trainer4j.wandb.RunWriter.Finish;
import org.trainer4j.wandb.RunWriter.Row;
import org.trainer4j.wandb.RunWriter.SummaryUpdate;

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
 * run the program did not finish, with exit code 1 unless changed
 * with {@link #exitCodeAtShutdown(int)}. Thread-safe.
 */
public final class WandbRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WandbRun.class);

  private final WandbSettings settings;
  private final WandbMode mode;
  private final String runId;
  private final RunDirectory directory;
  private final RunWriter writer;
  private final RunFileWriter fileWriter;
  private final Uploader uploader;
  private ShutdownRegistry.Registration shutdownRegistration; // guarded by finishLock
  private final Notices notices;
  private final Optional<String> offlineReason;
  private final Object finishLock = new Object();
  private volatile boolean closed;
  private volatile boolean closedWarned;
  private volatile int exitCodeAtShutdown = 1;
  private FinishReport report;

  private WandbRun(WandbSettings settings) {
    this.settings = settings;
    this.mode = WandbMode.DISABLED;
    this.runId = settings.runId();
    this.directory = null;
    this.writer = null;
    this.fileWriter = null;
    this.uploader = null;
    this.notices = new Notices(LOG, settings.silent());
    this.offlineReason = Optional.empty();
  }

  private WandbRun(WandbSettings settings, WandbMode mode, Optional<String> offlineReason, RunDirectory directory,
      TransactionLog log, RunIdentity identity, Map<String, Object> config, Secrets secrets, long startNanos,
      long startMillis) {
    this.settings = settings;
    this.mode = mode;
    this.offlineReason = offlineReason;
    this.runId = identity.runId();
    this.directory = directory;
    this.notices = new Notices(LOG, settings.silent());
    this.uploader = mode == WandbMode.ONLINE
        ? new Uploader(settings, identity, config, directory.path(), notices) : null;
    this.writer = new RunWriter(identity, config, directory, log, Optional.ofNullable(uploader), secrets, startNanos,
        startMillis);
    this.fileWriter = new RunFileWriter(writer, runId, settings);
  }

  /**
   * Starts a run: creates its folder and {@code .wandb} file, and for online runs starts talking to the
   * server in the background (this call does not wait for the network). An online run without an API
   * key runs offline instead, with a warning that says where a key is looked for.
   *
   * @param config the run's config (e.g. hyperparameters), written as given; values may be numbers,
   *     strings, booleans, lists and maps
   * @throws UncheckedIOException when the run folder cannot be created
   */
  public static WandbRun start(WandbSettings settings, Map<String, ?> config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    if (settings.mode() == WandbMode.DISABLED) {
      LOG.debug("W&B is disabled; run {} is neither written nor sent", settings.runId());
      return new WandbRun(settings);
    }
    WandbMode mode = settings.mode();
    Optional<String> offlineReason = Optional.empty();
    if (mode == WandbMode.ONLINE && !settings.hasApiKey()) {
      mode = WandbMode.OFFLINE;
      offlineReason = Optional.of("no W&B API key was found (looked in " + settings.apiKeySearch() + ")");
    }
    long startNanos = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    LocalDateTime localStart = LocalDateTime.ofInstant(Instant.ofEpochMilli(startMillis), ZoneId.systemDefault());
    RunDirectory directory;
    TransactionLog log;
    try {
      directory = RunDirectory.create(settings.directory(), settings.runId(), mode == WandbMode.ONLINE, localStart);
      log = new TransactionLog(directory.wandbFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the W&B run folder under " + settings.directory().resolve("wandb")
          + " (set WANDB_DIR or WandbSettings.directory to a writable folder): " + e.getMessage(), e);
    }
    Secrets secrets = new Secrets(settings.apiKey());
    Map<String, Object> safeConfig = new LinkedHashMap<>();
    config.forEach((k, v) -> safeConfig.put(secrets.redact(k), secrets.redactValue(v)));
    WandbRun run = new WandbRun(settings, mode, offlineReason, directory, log, RunIdentity.of(settings, secrets),
        safeConfig, secrets, startNanos, startMillis);
    run.begin();
    return run;
  }

  private void begin() {
    fileWriter.start();
    if (uploader != null) {
      uploader.start();
    }
    synchronized (finishLock) {
      shutdownRegistration = ShutdownRegistry.jvm().register(new FinishAtShutdown());
    }
    if (offlineReason.isPresent()) {
      LOG.warn("{}; W&B run {} is saved offline in {}. Set WANDB_API_KEY (or run `wandb login`), then upload"
          + " it with: wandb sync {}", offlineReason.get(), runId, directory.path(), directory.path());
    } else if (mode == WandbMode.OFFLINE) {
      notices.info("W&B is offline: run {} is saved in {}", runId, directory.path());
    }
  }

  /**
   * Adds one history row. W&B adds {@code _step} (0, 1, 2, ... per call), {@code _runtime} and {@code
   * _timestamp}; keys are flat ({@code train/loss}); values may be numbers, strings, booleans, lists
   * and maps. The row is copied (its values are not: do not change them afterwards). Ignored with a
   * warning after {@link #finish(int)}.
   *
   * @throws IllegalArgumentException for a null or empty key
   */
  public void log(Map<String, ?> row) {
    Objects.requireNonNull(row, "row");
    if (fileWriter == null) {
      return;
    }
    if (closed) {
      warnClosed();
      return;
    }
    int n = row.size();
    String[] keys = new String[n];
    Object[] values = new Object[n];
    int i = 0;
    for (Map.Entry<String, ?> e : row.entrySet()) {
      keys[i] = checkKey("log", e.getKey());
      values[i++] = e.getValue();
    }
    enqueue(new Row(keys, values, System.nanoTime(), System.currentTimeMillis()));
  }

  /**
   * Sets summary values (shown in the runs table), e.g. end-of-training figures that are not history.
   * The summary also holds the latest value of every logged key.
   */
  public void summary(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    if (fileWriter == null) {
      return;
    }
    if (closed) {
      warnClosed();
      return;
    }
    List<String> keys = new ArrayList<>(values.size());
    List<Object> vals = new ArrayList<>(values.size());
    values.forEach((k, v) -> {
      keys.add(checkKey("summary", k));
      vals.add(v);
    });
    enqueue(new SummaryUpdate(keys.toArray(String[]::new), vals.toArray()));
  }

  /**
   * Ends the run: writes the rest of the {@code .wandb} file and, online, waits until the server has
   * everything and marked the run complete, for at most {@link WandbSettings#finishTimeout()}. Then it
   * logs what was not sent and the {@code wandb sync} command that sends it. Calling it again returns
   * the first report.
   *
   * @param exitCode 0 for a run that finished, anything else for one that failed
   */
  public FinishReport finish(int exitCode) {
    synchronized (finishLock) {
      if (report != null) {
        return report;
      }
      closed = true;
      if (fileWriter == null) {
        report = new FinishReport(exitCode, mode, runId, Optional.empty(), Optional.empty(), 0, 0, 0, false,
            Optional.empty(), Optional.empty());
        return report;
      }
      Ticker ticker = settings.ticker();
      long start = ticker.nanoTime();
      long deadline = start + settings.finishTimeout().toNanos();
      boolean interrupted = false;
      boolean written = false;
      Uploader.Outcome outcome = null;
      try {
        // After everything logged before, even when the queue is full; the shutdown task may have
        // handed over its own Finish already.
        if (!fileWriter.isClosed()) {
          fileWriter.beginClose(new Finish(exitCode, System.nanoTime()));
        }
        written = ticker.await(fileWriter.done(), deadline);
        if (uploader != null) {
          if (!written || !uploader.awaitDone(start, deadline)) {
            uploader.abandon();
          }
        }
      } catch (InterruptedException e) {
        interrupted = true;
        if (uploader != null) {
          uploader.abandon();
        }
      }
      if (uploader != null) {
        outcome = uploader.outcome();
      }
      report = report(exitCode, written, outcome);
      announce(report, written);
      shutdownRegistration.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return report;
    }
  }

  /** Finishes with exit code 0 (see {@link #finish(int)}). */
  @Override
  public void close() {
    finish(0);
  }

  /** Whether {@link #finish(int)} was called. */
  public boolean isFinished() {
    return closed;
  }

  /** The exit code the shutdown hook uses if the program ends without finishing the run (default 1). */
  public void exitCodeAtShutdown(int exitCode) {
    this.exitCodeAtShutdown = exitCode;
  }

  public String runId() {
    return runId;
  }

  /** Where the run goes: offline when it was meant to be online but no API key was found. */
  public WandbMode mode() {
    return mode;
  }

  /** The run's folder ({@code .../wandb/run-...} or {@code offline-run-...}); empty when disabled. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory).map(RunDirectory::path);
  }

  /** The run's {@code .wandb} file; empty when disabled. */
  public Optional<Path> file() {
    return Optional.ofNullable(directory).map(RunDirectory::wandbFile);
  }

  /** The run's page on the W&B site, once the server has created the run. */
  public Optional<String> url() {
    return uploader == null ? Optional.empty() : uploader.outcome().url();
  }

  @Override
  public String toString() {
    return "WandbRun{id=" + runId + ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT)
        + directory().map(d -> ", directory=" + d).orElse("") + (closed ? ", finished" : "") + "}";
  }

  /** Rows and summary updates logged but not yet taken by the writer thread (for monitoring). */
  public int backlog() {
    return fileWriter == null ? 0 : fileWriter.backlog();
  }

  /** History rows the writer thread has taken so far (for tests). */
  long rowsWritten() {
    return writer == null ? 0 : writer.rowsLogged();
  }

  /** Whether the writer thread has written everything and closed the {@code .wandb} file (for tests). */
  boolean writerFinished() {
    return fileWriter != null && fileWriter.done().getCount() == 0;
  }

  /** Bytes of history waiting for upload (0 for offline runs). */
  long uploadBacklogBytes() {
    return uploader == null ? 0 : uploader.pendingBytes();
  }

  // ---- internals ----

  private void enqueue(Event event) {
    fileWriter.offer(event); // BLOCK: waits only for a stalled disk; after a writer error it discards
  }

  private FinishReport report(int exitCode, boolean written, Uploader.Outcome outcome) {
    long logged = writer.rowsLogged();
    List<String> problems = new ArrayList<>();
    offlineReason.ifPresent(problems::add);
    if (!written) {
      problems.add("the .wandb file was not completed within the finish timeout of "
          + Uploader.seconds(settings.finishTimeout()));
    }
    if (writer.fileFailed()) {
      problems.add("the run's local files could not all be written (see the error above)");
    }
    long uploaded = 0;
    boolean complete = false;
    Optional<String> url = Optional.empty();
    if (outcome != null) {
      uploaded = outcome.rowsSent();
      complete = outcome.complete();
      url = outcome.url();
      outcome.problem().ifPresent(problems::add);
    }
    boolean everythingSent = mode == WandbMode.ONLINE && complete && uploaded == logged;
    Optional<String> sync = everythingSent ? Optional.empty() : Optional.of("wandb sync " + directory.path());
    return new FinishReport(exitCode, mode, runId, directory(), url, logged, uploaded, logged - uploaded, complete,
        problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)), sync);
  }

  private void announce(FinishReport r, boolean written) {
    if (mode == WandbMode.OFFLINE) {
      notices.info("W&B run {} finished offline with exit code {}: {} rows in {}. Upload it with: {}", runId,
          r.exitCode(), r.rowsLogged(), directory.wandbFile(), r.syncCommand().orElse(""));
    } else if (r.syncCommand().isEmpty()) {
      notices.info("W&B run {} finished with exit code {}: {} rows uploaded{}", runId, r.exitCode(),
          r.rowsUploaded(), r.url().map(u -> " to " + u).orElse(""));
    } else {
      List<String> unsent = new ArrayList<>();
      if (r.rowsNotUploaded() > 0) {
        unsent.add(r.rowsNotUploaded() + " of " + r.rowsLogged() + " history rows"
            + uploader.outcome().firstUnsentStep().map(s -> " (the first is _step " + s + ")").orElse(""));
      }
      if (!r.uploadComplete()) {
        unsent.add("the final summary and the run's completion");
      }
      LOG.warn("W&B run {} was not fully uploaded{}. Not sent: {}. Everything is in {}{}; upload it with: {}",
          runId, r.problem().map(p -> " (" + p + ")").orElse(""), String.join(", ", unsent),
          directory.wandbFile(), written ? "" : " (as far as it was written)", r.syncCommand().get());
    }
  }

  private void warnClosed() {
    if (!closedWarned) {
      closedWarned = true;
      LOG.warn("W&B run {} is finished; values logged after finish() are ignored", runId);
    }
  }

  private static String checkKey(String method, String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(method + "(): the key " + (key == null ? "null" : "\"\"")
          + " is not allowed; W&B keys are non-empty strings such as train/loss");
    }
    return key;
  }

  /**
   * Finishes the run at JVM exit if the program did not, with {@link #exitCodeAtShutdown(int)}: the
   * writer is told at once (with the other writers), then the finish waits for it and the uploader.
   */
  private final class FinishAtShutdown implements ShutdownTask {
    @Override
    public Duration shutdownTimeout() {
      return settings.finishTimeout();
    }

    @Override
    public void beginShutdown() {
      fileWriter.beginClose(new Finish(exitCodeAtShutdown, System.nanoTime()));
    }

    @Override
    public boolean awaitShutdown(long deadlineNanos) {
      finish(exitCodeAtShutdown);
      return fileWriter.done().getCount() == 0;
    }

    @Override
    public String toString() {
      return "W&B run " + runId;
    }
  }
}
