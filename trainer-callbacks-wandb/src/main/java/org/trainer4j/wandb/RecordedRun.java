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
 * A run that is written to its {@code .wandb} file and, online, uploaded: the {@link WandbRun} of the
 * modes {@code online} and {@code offline}.
 *
 * <p>Its writer thread is a {@link RunFileWriter}, its uploader thread an {@link Uploader}; one task
 * in core's shutdown registry finishes both if the program does not.
 */
final class RecordedRun extends WandbRun {
  private static final Logger LOG = LoggerFactory.getLogger(WandbRun.class);

  private final RunDirectory directory;
  private final RunWriter writer;
  private final RunFileWriter fileWriter;
  private final Optional<Uploader> uploader; // online runs only
  private ShutdownRegistry.Registration shutdownRegistration; // guarded by finishLock
  private final Notices notices;
  private final Optional<String> offlineReason;
  private final Object finishLock = new Object();
  private volatile boolean closed;
  private volatile boolean closedWarned;
  private volatile int exitCodeAtShutdown = 1;
  private FinishReport report;

  private RecordedRun(WandbSettings settings, WandbMode mode, Optional<String> offlineReason, RunDirectory directory,
      TransactionLog log, RunIdentity identity, Map<String, Object> config, Secrets secrets, long startNanos,
      long startMillis) {
    super(settings, mode, identity.runId());
    this.offlineReason = offlineReason;
    this.directory = directory;
    this.notices = new Notices(LOG, settings.silent());
    this.uploader = mode == WandbMode.ONLINE
        ? Optional.of(new Uploader(settings, identity, config, directory.path(), notices)) : Optional.empty();
    this.writer = new RunWriter(identity, config, directory, log, uploader, secrets, startNanos,
        startMillis);
    this.fileWriter = new RunFileWriter(writer, runId(), settings);
  }

  /**
   * Creates the run's folder and {@code .wandb} file and starts its threads (see {@link
   * WandbRun#start(WandbSettings, Map)}).
   */
  static RecordedRun startRecording(WandbSettings settings, Map<String, ?> config) {
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
    RecordedRun run = new RecordedRun(settings, mode, offlineReason, directory, log, RunIdentity.of(settings, secrets),
        safeConfig, secrets, startNanos, startMillis);
    run.begin();
    return run;
  }

  private void begin() {
    fileWriter.start();
    uploader.ifPresent(Uploader::start);
    synchronized (finishLock) {
      shutdownRegistration = ShutdownRegistry.jvm().register(new FinishAtShutdown());
    }
    if (offlineReason.isPresent()) {
      LOG.warn("{}; W&B run {} is saved offline in {}. Set WANDB_API_KEY (or run `wandb login`), then upload"
          + " it with: wandb sync {}", offlineReason.get(), runId(), directory.path(), directory.path());
    } else if (mode() == WandbMode.OFFLINE) {
      notices.info("W&B is offline: run {} is saved in {}", runId(), directory.path());
    }
  }

  @Override
  public void log(Map<String, ?> row) {
    Objects.requireNonNull(row, "row");
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

  @Override
  public void summary(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
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

  @Override
  public FinishReport finish(int exitCode) {
    synchronized (finishLock) {
      if (report != null) {
        return report;
      }
      closed = true;
      Ticker ticker = settings.ticker();
      long start = ticker.nanoTime();
      long deadline = start + settings.finishTimeout().toNanos();
      boolean interrupted = false;
      boolean written = false;
      try {
        // After everything logged before, even when the queue is full; the shutdown task may have
        // handed over its own Finish already.
        if (!fileWriter.isClosed()) {
          fileWriter.beginClose(new Finish(exitCode, System.nanoTime()));
        }
        written = ticker.await(fileWriter.done(), deadline);
        if (uploader.isPresent() && (!written || !uploader.get().awaitDone(start, deadline))) {
          uploader.get().abandon();
        }
      } catch (InterruptedException e) {
        interrupted = true;
        uploader.ifPresent(Uploader::abandon);
      }
      report = report(exitCode, written, uploader.map(Uploader::outcome));
      announce(report, written);
      shutdownRegistration.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return report;
    }
  }

  @Override
  public boolean isFinished() {
    return closed;
  }

  @Override
  public void exitCodeAtShutdown(int exitCode) {
    this.exitCodeAtShutdown = exitCode;
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(directory.path());
  }

  @Override
  public Optional<Path> file() {
    return Optional.of(directory.wandbFile());
  }

  @Override
  public Optional<String> url() {
    return uploader.flatMap(u -> u.outcome().url());
  }

  @Override
  public int backlog() {
    return fileWriter.backlog();
  }

  @Override
  long rowsWritten() {
    return writer.rowsLogged();
  }

  @Override
  boolean writerFinished() {
    return fileWriter.done().getCount() == 0;
  }

  @Override
  long uploadBacklogBytes() {
    return uploader.map(Uploader::pendingBytes).orElse(0L);
  }

  // ---- internals ----

  private void enqueue(Event event) {
    fileWriter.offer(event); // BLOCK: waits only for a stalled disk; after a writer error it discards
  }

  private FinishReport report(int exitCode, boolean written, Optional<Uploader.Outcome> outcome) {
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
    if (outcome.isPresent()) {
      uploaded = outcome.get().rowsSent();
      complete = outcome.get().complete();
      url = outcome.get().url();
      outcome.get().problem().ifPresent(problems::add);
    }
    boolean everythingSent = mode() == WandbMode.ONLINE && complete && uploaded == logged;
    Optional<String> sync = everythingSent ? Optional.empty() : Optional.of("wandb sync " + directory.path());
    return new FinishReport(exitCode, mode(), runId(), directory(), url, logged, uploaded, logged - uploaded, complete,
        problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)), sync);
  }

  private void announce(FinishReport r, boolean written) {
    if (mode() == WandbMode.OFFLINE) {
      notices.info("W&B run {} finished offline with exit code {}: {} rows in {}. Upload it with: {}", runId(),
          r.exitCode(), r.rowsLogged(), directory.wandbFile(), r.syncCommand().orElse(""));
    } else if (r.syncCommand().isEmpty()) {
      notices.info("W&B run {} finished with exit code {}: {} rows uploaded{}", runId(), r.exitCode(),
          r.rowsUploaded(), r.url().map(u -> " to " + u).orElse(""));
    } else {
      List<String> unsent = new ArrayList<>();
      if (r.rowsNotUploaded() > 0) {
        unsent.add(r.rowsNotUploaded() + " of " + r.rowsLogged() + " history rows"
            + uploader.flatMap(u -> u.outcome().firstUnsentStep()).map(s -> " (the first is _step " + s + ")").orElse(""));
      }
      if (!r.uploadComplete()) {
        unsent.add("the final summary and the run's completion");
      }
      LOG.warn("W&B run {} was not fully uploaded{}. Not sent: {}. Everything is in {}{}; upload it with: {}",
          runId(), r.problem().map(p -> " (" + p + ")").orElse(""), String.join(", ", unsent),
          directory.wandbFile(), written ? "" : " (as far as it was written)", r.syncCommand().get());
    }
  }

  private void warnClosed() {
    if (!closedWarned) {
      closedWarned = true;
      LOG.warn("W&B run {} is finished; values logged after finish() are ignored", runId());
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
      return "W&B run " + runId();
    }
  }
}
