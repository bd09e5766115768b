package org.trainer4j.wandb;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.wandb.proto.ConfigItem;
import org.trainer4j.wandb.proto.ConfigRecord;
import org.trainer4j.wandb.proto.FinalRecord;
import org.trainer4j.wandb.proto.FooterRecord;
import org.trainer4j.wandb.proto.HeaderRecord;
import org.trainer4j.wandb.proto.HistoryItem;
import org.trainer4j.wandb.proto.HistoryRecord;
import org.trainer4j.wandb.proto.HistoryStep;
import org.trainer4j.wandb.proto.MetricRecord;
import org.trainer4j.wandb.proto.Record;
import org.trainer4j.wandb.proto.RunExitRecord;
import org.trainer4j.wandb.proto.RunRecord;
import org.trainer4j.wandb.proto.SummaryItem;
import org.trainer4j.wandb.proto.SummaryRecord;
import org.trainer4j.wandb.proto.VersionInfo;

/**
 * Turns what the training thread logged into W&B's records, on the writer thread: numbers the rows
 * ({@code _step} 0, 1, 2, ...), adds {@code _runtime} and {@code _timestamp}, keeps the summary (the
 * latest value of every key plus explicit values), writes everything to the {@code .wandb} file and
 * hands history lines and the summary to the {@link Uploader} when the run is online. The API key, should
 * a logged key or value hold it, is written and sent as {@code <redacted>}.
 *
 * <p>Not thread-safe: only the writer thread calls it.
 */
final class RunWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RunWriter.class);
  private static final Set<String> RESERVED = Set.of("_step", "_runtime", "_timestamp", "_wandb");
  /** The header record's producer: this module, and its version when the jar says it. */
  static final String PRODUCER = "trainer4j-wandb" + Optional.ofNullable(RunWriter.class.getPackage())
      .map(Package::getImplementationVersion).map(v -> " " + v).orElse("");

  /** Something the training thread asked for, in order. */
  sealed interface Event permits Row, SummaryUpdate, Finish {}

  /** One {@code log()} call: keys and values, and when it was made. */
  record Row(String[] keys, Object[] values, long nanos, long epochMillis) implements Event {}

  /** Explicit summary values. */
  record SummaryUpdate(String[] keys, Object[] values) implements Event {}

  /** The end of the run. */
  record Finish(int exitCode, long nanos) implements Event {}

  private final RunIdentity identity;
  private final Map<String, Object> config;
  private final RunDirectory directory;
  private final Optional<Uploader> uploader;
  private final Secrets secrets;
  private final long startNanos;
  private final long startEpochMillis;

  private TransactionLog log;
  private long recordNumber;
  private long step;
  /** The latest train/global_step logged, as JSON; W&B starts a step metric at 0. */
  private String latestStep = "0";
  private final Set<String> knownKeys = new HashSet<>();
  /** Key to its latest value, as JSON, in first-seen order. */
  private final Map<String, String> summary = new LinkedHashMap<>();
  private final Set<String> tooLargeForSummary = new HashSet<>();
  private boolean summaryChanged;
  private boolean fileFailed;
  private boolean reservedKeyWarned;
  private volatile long rowsLogged;

  RunWriter(RunIdentity identity, Map<String, Object> config, RunDirectory directory, TransactionLog log,
      Optional<Uploader> uploader, Secrets secrets, long startNanos, long startEpochMillis) {
    this.identity = identity;
    this.config = config;
    this.directory = directory;
    this.log = log;
    this.uploader = uploader;
    this.secrets = secrets;
    this.startNanos = startNanos;
    this.startEpochMillis = startEpochMillis;
  }

  long rowsLogged() {
    return rowsLogged;
  }

  boolean fileFailed() {
    return fileFailed;
  }

  /**
   * The header, run, config and metric-definition records, {@code files/config.yaml} and the {@code
   * latest-run} link.
   */
  void writeStart() {
    // As the SDK, whose first record says which program wrote the file.
    write(Record.newBuilder().setHeader(HeaderRecord.newBuilder()
        .setVersionInfo(VersionInfo.newBuilder().setProducer(PRODUCER))));
    RunRecord.Builder run = RunRecord.newBuilder()
        .setRunId(identity.runId())
        .setProject(identity.project())
        .setHost(identity.host())
        .addAllTags(identity.tags())
        .setStartTime(Timestamp.newBuilder()
            .setSeconds(Math.floorDiv(startEpochMillis, 1000))
            .setNanos(Math.floorMod(startEpochMillis, 1000) * 1_000_000));
    identity.entity().ifPresent(run::setEntity);
    identity.displayName().ifPresent(run::setDisplayName);
    identity.notes().ifPresent(run::setNotes);
    identity.group().ifPresent(run::setRunGroup);
    identity.jobType().ifPresent(run::setJobType);
    write(Record.newBuilder().setRun(run));

    ConfigRecord.Builder configRecord = ConfigRecord.newBuilder();
    config.forEach((k, v) -> configRecord.addUpdate(ConfigItem.newBuilder().setKey(k).setValueJson(Json.encode(v))));
    write(Record.newBuilder().setConfig(configRecord));
    for (MetricRecord metric : MetricDefinitions.definitionRecords()) {
      write(Record.newBuilder().setMetric(metric));
    }
    flush();
    try {
      directory.writeConfig(config);
    } catch (IOException e) {
      fileError("could not write files/config.yaml", e);
    }
    directory.linkLatest();
  }

  void handle(Event event) {
    if (event instanceof Row row) {
      row(row);
    } else if (event instanceof SummaryUpdate update) {
      summaryUpdate(update);
    } else if (event instanceof Finish finish) {
      finish(finish);
    }
  }

  /** After a batch of events: hands the bytes to the OS and the new summary to the uploader. */
  void afterBatch() {
    flush();
    if (summaryChanged) {
      summaryChanged = false;
      uploader.ifPresent(u -> u.summaryChanged(summaryLine(true)));
    }
  }

  private void row(Row row) {
    long rowStep = step++;
    double runtime = (row.nanos() - startNanos) / 1e9;
    double timestamp = row.epochMillis() / 1000.0;
    HistoryRecord.Builder history = HistoryRecord.newBuilder().setStep(HistoryStep.newBuilder().setNum(rowStep));
    SummaryRecord.Builder summaryRecord = SummaryRecord.newBuilder();
    // The JSON line is for the server only.
    StringBuilder line = uploader.isPresent() ? new StringBuilder(32 * (row.keys().length + 3)).append('{') : null;
    List<String> newKeys = List.of();
    boolean hasStep = false;
    boolean hasGlobKey = false;
    String stepJson = null;
    String largestKey = null;
    int largest = -1;
    for (int i = 0; i < row.keys().length; i++) {
      String key = secrets.redact(row.keys()[i]);
      if (isReserved(key)) {
        continue;
      }
      String json = secrets.redact(Json.encode(row.values()[i]));
      if (json.length() > largest) {
        largest = json.length();
        largestKey = key;
      }
      appendItem(history, summaryRecord, line, key, json);
      if (key.equals(MetricDefinitions.STEP_METRIC)) {
        hasStep = true;
        stepJson = json;
      }
      hasGlobKey |= MetricDefinitions.expandsFromGlob(key);
      if (knownKeys.add(key) && MetricDefinitions.expandsFromGlob(key)) {
        if (newKeys.isEmpty()) {
          newKeys = new ArrayList<>();
        }
        newKeys.add(key);
        write(Record.newBuilder().setMetric(MetricDefinitions.expandedRecord(key)));
      }
    }
    if (hasStep) {
      latestStep = stepJson;
    } else if (hasGlobKey) {
      // step_sync: a row without the step metric gets its latest value, as the SDK does.
      appendItem(history, summaryRecord, line, MetricDefinitions.STEP_METRIC, latestStep);
    }
    appendItem(history, summaryRecord, line, "_runtime", Json.encode(runtime));
    appendItem(history, summaryRecord, line, "_timestamp", Json.encode(timestamp));
    appendItem(history, summaryRecord, line, "_step", Long.toString(rowStep));
    // As the SDK: the summary update a row makes comes just before the row.
    write(Record.newBuilder().setSummary(summaryRecord));
    write(Record.newBuilder().setHistory(history));
    summaryChanged = true;
    rowsLogged++;
    if (line != null) {
      line.setCharAt(line.length() - 1, '}');
      String json = line.toString();
      int bytes = utf8Length(json);
      if (bytes > Uploader.MAX_LINE_BYTES) {
        LOG.warn("Skipped uploading run.log() data that exceeded size limit: the row with _step={} is {} bytes,"
            + " over the W&B server's limit of {} bytes per line; its largest value is '{}' ({} characters of"
            + " JSON). The row is kept in {}.", rowStep, bytes, Uploader.MAX_LINE_BYTES, largestKey, largest,
            directory.wandbFile());
        uploader.get().rowTooLarge(rowStep, newKeys);
      } else {
        uploader.get().offerRow(rowStep, json, bytes, newKeys);
      }
    }
  }

  private void appendItem(HistoryRecord.Builder history, SummaryRecord.Builder summaryRecord, StringBuilder line,
      String key, String json) {
    history.addItem(HistoryItem.newBuilder().setKey(key).setValueJson(json));
    summaryRecord.addUpdate(SummaryItem.newBuilder().setKey(key).setValueJson(json));
    summary.put(key, json);
    if (line != null) {
      Json.appendString(line, key);
      line.append(':').append(json).append(',');
    }
  }

  private void summaryUpdate(SummaryUpdate update) {
    SummaryRecord.Builder record = SummaryRecord.newBuilder();
    for (int i = 0; i < update.keys().length; i++) {
      String key = secrets.redact(update.keys()[i]);
      if (isReserved(key)) {
        continue;
      }
      String json = secrets.redact(Json.encode(update.values()[i]));
      summary.put(key, json);
      record.addUpdate(SummaryItem.newBuilder().setKey(key).setValueJson(json));
    }
    write(Record.newBuilder().setSummary(record));
    summaryChanged = true;
  }

  private void finish(Finish finish) {
    int runtime = (int) Math.max(0, (finish.nanos() - startNanos) / 1_000_000_000L);
    write(Record.newBuilder().setSummary(SummaryRecord.newBuilder()
        .addUpdate(SummaryItem.newBuilder().setKey("_wandb").setValueJson("{\"runtime\":" + runtime + "}"))));
    write(Record.newBuilder().setExit(RunExitRecord.newBuilder().setExitCode(finish.exitCode()).setRuntime(runtime)));
    write(Record.newBuilder().setFinal(FinalRecord.getDefaultInstance()));
    write(Record.newBuilder().setFooter(FooterRecord.getDefaultInstance()));
    if (log != null) {
      try {
        log.close();
      } catch (IOException e) {
        fileError("could not close the .wandb file", e);
      }
      log = null;
    }
    String full = summaryLine(false);
    try {
      directory.writeSummary(full);
    } catch (IOException e) {
      fileError("could not write files/wandb-summary.json", e);
    }
    summaryChanged = false;
    uploader.ifPresent(u -> {
      u.summaryChanged(summaryLine(true));
      u.finish(finish.exitCode());
    });
  }

  /** {@code {"key": latest, ..., "_wandb": {"runtime": s}}}; for upload, leaving out values over the line limit. */
  private String summaryLine(boolean forUpload) {
    while (true) {
      StringBuilder out = new StringBuilder(64 + 32 * summary.size());
      out.append('{');
      String largestKey = null;
      int largest = -1;
      for (Map.Entry<String, String> e : summary.entrySet()) {
        if (forUpload && tooLargeForSummary.contains(e.getKey())) {
          continue;
        }
        Json.appendString(out, e.getKey());
        out.append(':').append(e.getValue()).append(',');
        if (e.getValue().length() > largest) {
          largest = e.getValue().length();
          largestKey = e.getKey();
        }
      }
      long runtime = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000_000L);
      out.append("\"_wandb\":{\"runtime\":").append(runtime).append("}}");
      String line = out.toString();
      if (!forUpload || largestKey == null || utf8Length(line) <= Uploader.MAX_LINE_BYTES) {
        return line;
      }
      tooLargeForSummary.add(largestKey);
      LOG.warn("Skipped uploading run.log() data that exceeded size limit: the summary value of '{}' ({}"
          + " characters of JSON) makes the summary larger than the W&B server's limit of {} bytes; it is"
          + " kept in {}", largestKey, largest, Uploader.MAX_LINE_BYTES, directory.wandbFile());
    }
  }

  private void write(Record.Builder record) {
    if (log == null) {
      return;
    }
    try {
      log.append(record.setNum(++recordNumber).build().toByteArray());
    } catch (IOException e) {
      fileError("could not write to " + directory.wandbFile(), e);
      try {
        log.close();
      } catch (IOException ignored) {
        // Already failing; the first error was reported.
      }
      log = null;
    }
  }

  private void flush() {
    if (log == null) {
      return;
    }
    try {
      log.flush();
    } catch (IOException e) {
      fileError("could not write to " + directory.wandbFile(), e);
      log = null;
    }
  }

  private void fileError(String what, IOException e) {
    if (!fileFailed) {
      fileFailed = true;
      LOG.error("W&B run {}: {} ({}); the run's local files are incomplete{}", identity.runId(), what, e.toString(),
          uploader.isPresent() ? " (rows are still uploaded)" : "");
    }
  }

  /** Whether W&B sets this key itself (the logged value is then ignored, with a warning once). */
  private boolean isReserved(String key) {
    if (!RESERVED.contains(key)) {
      return false;
    }
    if (!reservedKeyWarned) {
      reservedKeyWarned = true;
      LOG.warn("W&B sets {} itself; the value logged under '{}' is ignored (rename the key)", RESERVED, key);
    }
    return true;
  }

  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }
}
