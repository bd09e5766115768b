package org.trainer4j.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one run to the W&B server on a daemon thread of its own: checks the API key ({@code Viewer}),
 * asks whether the server expands metric globs, creates the run ({@code UpsertBucket}), then streams
 * history lines and the summary to {@code file_stream} with line offsets, at most one request per
 * transmit interval (sooner when a request is full), and at the end uploads the run files {@code
 * config.yaml} and {@code wandb-summary.json} ({@code CreateRunFiles}, then a PUT of each) and marks
 * the run complete.
 *
 * <p>Failed requests are retried with backoff ({@link Retrier}, {@link RetryPolicy}); because every request names the offset of its first
 * line, a retry of a request the server did receive overwrites the same lines, so no row is lost or
 * doubled. While {@code finish()} waits, a request that takes longer than {@link
 * WandbSettings#finishingRequestTimeout()} is cancelled (by the waiting thread) and retried. Rows wait in a buffer bounded in bytes; rows that arrive while it is full are not uploaded
 * (they are in the {@code .wandb} file) and are counted for the final report.
 */
final class Uploader {
  /** The server's limit for one line ({@code (10 << 20) - (100 << 10)}); longer lines are dropped. */
  static final int MAX_LINE_BYTES = 10_383_360;
  /** About the most line bytes one file_stream request carries. */
  static final int MAX_REQUEST_BYTES = 10 << 20;
  static final String HISTORY_FILE = "wandb-history.jsonl";
  static final String SUMMARY_FILE = "wandb-summary.json";
  static final String CONFIG_FILE = "config.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  static final String VIEWER_QUERY =
      "query Viewer { viewer { id entity username email flags teams { edges { node { name } } } } }";
  static final String FEATURES_QUERY =
      "query ServerFeaturesQuery { serverInfo { features { name isEnabled } } }";
  static final String EXPAND_GLOBS_FEATURE = "EXPAND_DEFINED_METRIC_GLOBS";
  static final String UPSERT_MUTATION = "mutation UpsertBucket($id: String, $name: String, $project: String,"
      + " $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String,"
      + " $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String,"
      + " $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!],"
      + " $summaryMetrics: JSONString) { upsertBucket(input: {id: $id, name: $name, groupName: $groupName,"
      + " modelName: $project, entityName: $entity, description: $description, displayName: $displayName,"
      + " notes: $notes, config: $config, commit: $commit, host: $host, debug: $debug, jobProgram: $program,"
      + " jobRepo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags,"
      + " summaryMetrics: $summaryMetrics}) { bucket { id name displayName description config sweepName"
      + " project { id name entity { id name } } historyLineCount } inserted } }";
  static final String CREATE_RUN_FILES_MUTATION = "mutation CreateRunFiles($entity: String!, $project: String!,"
      + " $run: String!, $files: [String!]!) { createRunFiles(input: {entityName: $entity, projectName: $project,"
      + " runName: $run, files: $files}) { runID uploadHeaders files { name uploadUrl } } }";

  private record Line(long step, String json, int bytes) {}

  /** One file_stream request, built once so that its retries send the very same bytes. */
  private record Batch(String body, int lines, long summaryVersion, boolean complete) {}

  /** What the upload achieved, for the run's final report. */
  record Outcome(long rowsSent, long rowsNotSent, Optional<String> firstUnsentStep, boolean complete,
      Optional<String> url, Optional<String> problem) {}

  private final WandbSettings settings;
  private final WandbHttp http;
  private final RunIdentity identity;
  private final Map<String, Object> config;
  private final Path runDirectory;
  private final Notices notices;
  private final Secrets secrets;
  private final RetryPolicy fileStreamPolicy;
  private final RetryPolicy graphqlPolicy;
  private final Ticker ticker;
  private final Retrier retrier;
  private final Thread thread;
  private final CountDownLatch done = new CountDownLatch(1);

  private final Object lock = new Object();
  // Guarded by lock:
  private final ArrayDeque<Line> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long nextOffset;
  private String summaryLine;
  private long summaryVersion;
  private long sentSummaryVersion;
  private final List<String> expandedKeys = new ArrayList<>();
  private int keysInServerConfig;
  private Integer exitCode;
  private boolean completed;
  private boolean stopped;
  private String problem;
  private long rowsSent;
  private long rowsRefused;
  private long firstRefusedStep = -1;
  private boolean bufferFullWarned;
  private String url;
  /** The call in flight and when it started; the one the finishing thread cut off, if any. */
  private Call currentCall;
  private long currentCallStart;
  private Call cutOffCall;

  // Owned by the uploader thread:
  private boolean serverExpandsGlobs;
  private String entityName;
  private String projectName;
  private String runName;
  private long lastRequestNanos;
  private List<String> uploadedFiles = List.of();
  private boolean runFilesDone;

  Uploader(WandbSettings settings, RunIdentity identity, Map<String, Object> config, Path runDirectory,
      Notices notices) {
    this.settings = settings;
    this.identity = identity;
    this.config = config;
    this.runDirectory = runDirectory;
    this.notices = notices;
    this.secrets = new Secrets(settings.apiKey());
    this.ticker = settings.ticker();
    this.retrier = new Retrier(ticker, new InFlight());
    this.http = new WandbHttp(settings.baseUrl(), settings.apiKey(), settings.requestTimeout());
    this.fileStreamPolicy = new RetryPolicy(RetryPolicy.FILE_STREAM_FINAL, settings.retryBaseDelay(), settings.retryMaxDelay());
    this.graphqlPolicy = new RetryPolicy(RetryPolicy.GRAPHQL_FINAL, settings.retryBaseDelay(), settings.retryMaxDelay());
    this.thread = new Thread(this::run, "wandb-uploader-" + identity.runId());
    this.thread.setDaemon(true);
    // The first request goes one interval after the start, as every later one, so that a short run
    // sends everything in one request.
    this.lastRequestNanos = ticker.nanoTime();
  }

  void start() {
    thread.start();
  }

  // ---- called by the writer thread ----

  /** Queues one history line for upload; {@code newKeys} are keys logged for the first time. */
  void offerRow(long step, String json, int bytes, List<String> newKeys) {
    synchronized (lock) {
      expandedKeys.addAll(newKeys);
      if (stopped) {
        refuse(step);
        return;
      }
      if (pendingBytes + bytes > settings.uploadBufferBytes()) {
        refuse(step);
        if (!bufferFullWarned) {
          bufferFullWarned = true;
          LOG.warn("W&B upload buffer is full ({} bytes waiting, limit {}): the server is not keeping up, so"
              + " rows from step {} on are kept only in {} until there is room again; upload them later with"
              + " `wandb sync {}`", pendingBytes, settings.uploadBufferBytes(), step, runDirectory, runDirectory);
        }
        return;
      }
      pending.addLast(new Line(step, json, bytes));
      pendingBytes += bytes;
      if (pendingBytes >= MAX_REQUEST_BYTES) {
        lock.notifyAll();
      }
    }
  }

  /** Counts a row that is too large for the server (the writer has warned about it). */
  void rowTooLarge(long step, List<String> newKeys) {
    synchronized (lock) {
      expandedKeys.addAll(newKeys);
      refuse(step);
    }
  }

  /** The latest summary line; sent with the next request. */
  void summaryChanged(String json) {
    synchronized (lock) {
      summaryLine = json;
      summaryVersion++;
    }
  }

  /** Everything is queued: send the rest now and mark the run complete with this exit code. */
  void finish(int code) {
    synchronized (lock) {
      exitCode = code;
      lock.notifyAll();
    }
  }

  private void refuse(long step) {
    rowsRefused++;
    if (firstRefusedStep < 0) {
      firstRefusedStep = step;
    }
  }

  // ---- called by the thread that finishes the run ----

  /**
   * Waits until the run is marked complete (or the upload stopped) or the deadline passes. Meanwhile it
   * cancels a request that has taken longer than the finishing request timeout (counted from {@code
   * finishStart} for one already in flight), so that the uploader retries it within the deadline.
   */
  boolean awaitDone(long finishStart, long deadlineNanos) throws InterruptedException {
    long limit = settings.finishingRequestTimeout().toNanos();
    while (true) {
      if (done.getCount() == 0) {
        return true;
      }
      long now = ticker.nanoTime();
      if (now >= deadlineNanos) {
        return false;
      }
      long wakeAt = deadlineNanos;
      synchronized (lock) {
        if (currentCall != null && currentCall != cutOffCall) {
          long cutOffAt = Math.max(currentCallStart, finishStart) + limit;
          if (now >= cutOffAt) {
            cutOffCall = currentCall;
            currentCall.cancel();
          } else {
            wakeAt = Math.min(wakeAt, cutOffAt);
          }
        }
      }
      if (ticker.await(done, wakeAt)) {
        return true;
      }
    }
  }

  /** Gives up: cancels the request in flight and stops the thread. */
  void abandon() {
    synchronized (lock) {
      if (problem == null && !completed) {
        problem = "the upload did not finish within the finish timeout of " + seconds(settings.finishTimeout());
      }
      stopped = true;
      if (currentCall != null) {
        currentCall.cancel();
      }
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long pendingBytes() {
    synchronized (lock) {
      return pendingBytes;
    }
  }

  Outcome outcome() {
    synchronized (lock) {
      long notSent = pending.size() + rowsRefused;
      Optional<String> first = Optional.empty();
      if (!pending.isEmpty() || firstRefusedStep >= 0) {
        long firstPending = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst().step();
        long firstRefused = firstRefusedStep < 0 ? Long.MAX_VALUE : firstRefusedStep;
        first = Optional.of(Long.toString(Math.min(firstPending, firstRefused)));
      }
      return new Outcome(rowsSent, notSent, first, completed, Optional.ofNullable(url), Optional.ofNullable(problem));
    }
  }

  // ---- the uploader thread ----

  private void run() {
    try {
      if (startRun()) {
        stream();
      }
    } catch (UploadAbandoned e) {
      // finish() stopped waiting; it reports what was not sent.
    } catch (RuntimeException e) {
      stop("the W&B upload stopped after an unexpected error: " + secrets.redact(e.toString()));
      LOG.error("W&B upload stopped; the run is kept in {} (upload it with `wandb sync {}`)", runDirectory,
          runDirectory, e);
    } finally {
      http.shutdown();
      done.countDown();
    }
  }

  /** Viewer, server features, UpsertBucket. Returns false when the upload cannot go on. */
  private boolean startRun() throws UploadAbandoned {
    HttpUrl graphql = http.url("graphql");
    JsonNode viewer;
    try {
      viewer = graphql(graphql, "Viewer", VIEWER_QUERY, Map.of(), "checking the API key", true);
    } catch (RequestRejected e) {
      if (e.result.code() == 401) {
        keyRejected();
      } else {
        stopWithError("W&B refused the API key check with HTTP " + e.result.code() + ": " + shortBody(e.result));
      }
      return false;
    }
    if (viewer == null || viewer.path("viewer").isNull() || viewer.path("viewer").isMissingNode()) {
      keyRejected();
      return false;
    }
    serverExpandsGlobs = serverExpandsGlobs(graphql);
    List<String> keys = expandedKeysSnapshot();
    JsonNode upserted;
    try {
      upserted = graphql(graphql, "UpsertBucket", UPSERT_MUTATION, upsertVariables(true, keys), "creating the run",
          true);
    } catch (RequestRejected e) {
      stopWithError("W&B refused to create run " + identity.runId() + " with HTTP " + e.result.code() + ": "
          + shortBody(e.result));
      return false;
    }
    if (upserted == null) {
      return false;
    }
    JsonNode bucket = upserted.path("upsertBucket").path("bucket");
    runName = text(bucket.path("name")).orElse(identity.runId());
    projectName = text(bucket.path("project").path("name")).orElse(identity.project());
    entityName = text(bucket.path("project").path("entity").path("name"))
        .or(identity::entity)
        .orElse(text(viewer.path("viewer").path("entity")).orElse(null));
    if (entityName == null) {
      stopWithError("W&B created the run but did not say which entity it belongs to");
      return false;
    }
    synchronized (lock) {
      keysInServerConfig = keys.size();
      url = settings.appUrl() + "/" + PythonQuote.quote(entityName, "/") + "/" + PythonQuote.quote(projectName, "/")
          + "/runs/" + PythonQuote.quote(runName, "/=+&$@");
    }
    String shown = text(bucket.path("displayName")).or(identity::displayName).orElse(runName);
    notices.info("W&B run \"{}\" ({}) is at {}", secrets.redact(shown), runName, url);
    return true;
  }

  private boolean serverExpandsGlobs(HttpUrl graphql) throws UploadAbandoned {
    try {
      JsonNode data = graphql(graphql, "ServerFeaturesQuery", FEATURES_QUERY, Map.of(), "asking the server's features",
          false);
      if (data == null) {
        return false;
      }
      for (JsonNode feature : data.path("serverInfo").path("features")) {
        if (EXPAND_GLOBS_FEATURE.equals(feature.path("name").asText())) {
          return feature.path("isEnabled").asBoolean(false);
        }
      }
      return false;
    } catch (RequestRejected e) {
      // Older servers do not know the query; the SDK then expands globs itself.
      return false;
    }
  }

  private void stream() throws UploadAbandoned {
    HttpUrl fileStream = http.url("files").newBuilder()
        .addPathSegment(entityName).addPathSegment(projectName).addPathSegment(runName)
        .addPathSegment("file_stream").build();
    while (true) {
      boolean finishing;
      synchronized (lock) {
        waitForWork();
        finishing = exitCode != null;
      }
      if (finishing && !runFilesDone) {
        // As the SDK does at finish: the final summary and the config as run files, before completion.
        runFilesDone = true;
        uploadedFiles = uploadRunFiles();
      }
      Batch batch;
      boolean configUpdate;
      synchronized (lock) {
        batch = nextBatch();
        configUpdate = !serverExpandsGlobs && expandedKeys.size() > keysInServerConfig;
      }
      if (configUpdate && !updateConfig()) {
        return;
      }
      lastRequestNanos = ticker.nanoTime();
      try {
        request(() -> http.post(fileStream, batch.body()), fileStreamPolicy, "sending metrics");
      } catch (RequestRejected e) {
        stopWithError("W&B refused the run's metrics (file_stream) with HTTP " + e.result.code() + ": "
            + shortBody(e.result));
        return;
      }
      synchronized (lock) {
        for (int i = 0; i < batch.lines(); i++) {
          pendingBytes -= pending.removeFirst().bytes();
        }
        nextOffset += batch.lines();
        rowsSent += batch.lines();
        sentSummaryVersion = Math.max(sentSummaryVersion, batch.summaryVersion());
        if (batch.complete()) {
          completed = true;
          return;
        }
      }
    }
  }

  /** Waits (holding the lock) until a request is due: finishing, a full request, the interval, or a heartbeat. */
  private void waitForWork() throws UploadAbandoned {
    long interval = settings.transmitInterval().toNanos();
    long heartbeat = settings.heartbeatInterval().toNanos();
    while (true) {
      if (stopped) {
        throw new UploadAbandoned();
      }
      long now = ticker.nanoTime();
      boolean hasData = !pending.isEmpty() || summaryVersion > sentSummaryVersion;
      long sinceLast = now - lastRequestNanos;
      if (exitCode != null || pendingBytes >= MAX_REQUEST_BYTES || (hasData && sinceLast >= interval)
          || sinceLast >= heartbeat) {
        return;
      }
      long wait = (hasData ? interval : heartbeat) - sinceLast;
      try {
        ticker.waitOn(lock, now + Math.max(wait, MIN_WAIT_NANOS));
      } catch (InterruptedException e) {
        throw new UploadAbandoned();
      }
    }
  }

  /** The next request: as many waiting lines as fit, the summary if it changed, and completion if all fit. */
  private Batch nextBatch() {
    int lines = 0;
    long bytes = 0;
    for (Line line : pending) {
      if (lines > 0 && bytes + line.bytes() > MAX_REQUEST_BYTES) {
        break;
      }
      lines++;
      bytes += line.bytes();
    }
    boolean sendSummary = summaryVersion > sentSummaryVersion && summaryLine != null;
    boolean complete = exitCode != null && lines == pending.size();
    StringBuilder body = new StringBuilder((int) Math.min(bytes + bytes / 8 + 256, Integer.MAX_VALUE - 16));
    body.append('{');
    if (lines > 0 || sendSummary) {
      body.append("\"files\":{");
      if (lines > 0) {
        body.append('"').append(HISTORY_FILE).append("\":{\"offset\":").append(nextOffset).append(",\"content\":[");
        int i = 0;
        for (Line line : pending) {
          if (i == lines) {
            break;
          }
          if (i++ > 0) {
            body.append(',');
          }
          Json.appendString(body, line.json());
        }
        body.append("]}");
      }
      if (sendSummary) {
        if (lines > 0) {
          body.append(',');
        }
        body.append('"').append(SUMMARY_FILE).append("\":{\"offset\":0,\"content\":[");
        Json.appendString(body, summaryLine);
        body.append("]}");
      }
      body.append('}');
    }
    if (complete && !uploadedFiles.isEmpty()) {
      body.append(body.length() > 1 ? "," : "").append("\"uploaded\":").append(Json.encode(uploadedFiles));
    }
    if (complete) {
      body.append(body.length() > 1 ? "," : "").append("\"complete\":true,\"exitcode\":").append(exitCode);
    }
    body.append('}');
    return new Batch(body.toString(), lines, sendSummary ? summaryVersion : sentSummaryVersion, complete);
  }

  /** Re-sends the config with a metric definition for each newly logged key (servers that do not expand globs). */
  private boolean updateConfig() throws UploadAbandoned {
    List<String> keys = expandedKeysSnapshot();
    try {
      graphql(http.url("graphql"), "UpsertBucket", UPSERT_MUTATION, upsertVariables(false, keys), "updating the run config",
          true);
    } catch (RequestRejected e) {
      stopWithError("W&B refused to update the config of run " + runName + " with HTTP " + e.result.code()
          + ": " + shortBody(e.result));
      return false;
    }
    synchronized (lock) {
      keysInServerConfig = keys.size();
    }
    return true;
  }

  private List<String> expandedKeysSnapshot() {
    synchronized (lock) {
      return List.copyOf(expandedKeys);
    }
  }

  /** The SDK's 19 UpsertBucket variables; later updates send only the run's path and the config. */
  private Map<String, Object> upsertVariables(boolean first, List<String> keys) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", null);
    v.put("name", first ? identity.runId() : runName);
    v.put("project", first ? identity.project() : projectName);
    v.put("entity", first ? identity.entity().orElse(null) : entityName);
    v.put("groupName", first ? identity.group().orElse(null) : null);
    v.put("description", null);
    v.put("displayName", first ? identity.displayName().orElse(null) : null);
    v.put("notes", first ? identity.notes().orElse(null) : null);
    v.put("commit", null);
    v.put("config", configJson(keys));
    v.put("host", first ? identity.host() : null);
    v.put("debug", null);
    v.put("program", null);
    v.put("repo", null);
    v.put("jobType", first ? identity.jobType().orElse(null) : null);
    v.put("state", null);
    v.put("sweep", null);
    v.put("tags", first && !identity.tags().isEmpty() ? identity.tags() : null);
    v.put("summaryMetrics", null);
    return v;
  }

  /** The config as W&B stores it: {@code {"key": {"value": v}}}, with the metric definitions in {@code _wandb.m}. */
  private String configJson(List<String> keys) {
    Map<String, Object> wrapped = new LinkedHashMap<>();
    config.forEach((k, v) -> wrapped.put(k, valueOf(v)));
    Map<String, Object> internal = new LinkedHashMap<>();
    internal.put("m", serverExpandsGlobs ? MetricDefinitions.configWithGlob() : MetricDefinitions.configExpanded(keys));
    wrapped.put("_wandb", valueOf(internal));
    return Json.encode(wrapped);
  }

  private static Map<String, Object> valueOf(Object v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", v);
    return m;
  }

  /**
   * Runs a GraphQL operation with retries and returns its {@code data}; GraphQL errors in a 200 answer
   * are not retried: they return null, and stop the upload when the operation is {@code required}.
   */
  private JsonNode graphql(HttpUrl url, String operation, String query, Map<String, Object> variables, String what,
      boolean required) throws RequestRejected, UploadAbandoned {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    body.put("operationName", operation);
    String json = Json.encode(body);
    HttpResult result = request(() -> http.post(url, json), graphqlPolicy, what);
    JsonNode root;
    try {
      root = MAPPER.readTree(result.body());
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.path("errors").isMissingNode() && root.path("errors").size() > 0) {
      if (required) {
        stopWithError("W&B answered " + what + " with an error: " + shortBody(result));
      } else {
        LOG.debug("W&B answered {} with an error: {}", what, shortBody(result));
      }
      return null;
    }
    return root.path("data");
  }

  /**
   * Uploads {@code wandb-summary.json} and {@code config.yaml} as the SDK does at finish: {@code
   * CreateRunFiles} gives an upload address per file, then each file is PUT there. A failure is a
   * warning: the run is still marked complete. Returns the names uploaded.
   */
  private List<String> uploadRunFiles() throws UploadAbandoned {
    Map<String, byte[]> files = new LinkedHashMap<>();
    synchronized (lock) {
      if (summaryLine != null) {
        files.put(SUMMARY_FILE, summaryLine.getBytes(StandardCharsets.UTF_8));
      }
    }
    files.put(CONFIG_FILE, Yaml.config(config).getBytes(StandardCharsets.UTF_8));
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("entity", entityName);
    variables.put("project", projectName);
    variables.put("run", runName);
    variables.put("files", List.copyOf(files.keySet()));
    JsonNode created;
    try {
      created = graphql(http.url("graphql"), "CreateRunFiles", CREATE_RUN_FILES_MUTATION, variables,
          "asking where to upload the run files", false);
    } catch (RequestRejected e) {
      LOG.warn("W&B refused to take the run files {} (HTTP {}: {}); the run is complete without them",
          files.keySet(), e.result.code(), shortBody(e.result));
      return List.of();
    }
    JsonNode payload = created == null ? null : created.path("createRunFiles");
    if (payload == null || !payload.path("files").isArray()) {
      LOG.warn("W&B did not say where to upload the run files {}; the run is complete without them", files.keySet());
      return List.of();
    }
    List<String> headers = new ArrayList<>();
    payload.path("uploadHeaders").forEach(h -> headers.add(h.asText()));
    List<String> uploaded = new ArrayList<>();
    for (JsonNode file : payload.path("files")) {
      String name = file.path("name").asText();
      byte[] content = files.get(name);
      HttpUrl target = HttpUrl.parse(file.path("uploadUrl").asText(""));
      if (content == null || target == null) {
        LOG.warn("W&B gave no usable upload address for the run file '{}'; it is not uploaded", name);
        continue;
      }
      try {
        request(() -> http.put(target, content, headers), fileStreamPolicy, "uploading " + name);
        uploaded.add(name);
      } catch (RequestRejected e) {
        LOG.warn("W&B's storage refused the run file {} with HTTP {}: {}", name, e.result.code(), shortBody(e.result));
      }
    }
    return List.copyOf(uploaded);
  }

  /** Sends with retries (see {@link Retrier}) until success, a final refusal or abandonment. */
  private HttpResult request(Supplier<Call> calls, RetryPolicy policy, String what) throws RequestRejected,
      UploadAbandoned {
    return retrier.send(calls, policy, what);
  }

  /** The call in flight, under the lock, so that {@link #awaitDone} can cut it off and {@link #abandon} cancel it. */
  private final class InFlight implements Retrier.Attempts {
    @Override
    public void begin(Call call) throws UploadAbandoned {
      synchronized (lock) {
        if (stopped || Thread.currentThread().isInterrupted()) {
          throw new UploadAbandoned();
        }
        currentCall = call;
        currentCallStart = ticker.nanoTime();
      }
    }

    @Override
    public void end() {
      synchronized (lock) {
        currentCall = null;
      }
    }

    @Override
    public String describe(Call call, IOException e) throws UploadAbandoned {
      synchronized (lock) {
        if (stopped) {
          throw new UploadAbandoned();
        }
        return call == cutOffCall
            ? "no answer within " + seconds(settings.finishingRequestTimeout()) + " while finishing"
            : secrets.redact(e.toString());
      }
    }

    /** {@link #abandon()} ends the wait at once. */
    @Override
    public void backOff(long until) throws UploadAbandoned {
      synchronized (lock) {
        try {
          while (!stopped && ticker.nanoTime() < until) {
            ticker.waitOn(lock, until);
          }
        } catch (InterruptedException e) {
          throw new UploadAbandoned();
        }
        if (stopped) {
          throw new UploadAbandoned();
        }
      }
    }
  }

  private void keyRejected() {
    stopWithError("the W&B API key was rejected by " + settings.baseUrl() + " (it came from "
        + settings.apiKeySource().orElse("nowhere") + ")");
  }

  private void stopWithError(String message) {
    stop(message);
    LOG.error("{}; the run goes on offline in {}: fix the problem, then upload it with `wandb sync {}`",
        message, runDirectory, runDirectory);
  }

  private void stop(String message) {
    synchronized (lock) {
      if (problem == null) {
        problem = message;
      }
      stopped = true;
      lock.notifyAll();
    }
  }

  private String shortBody(HttpResult result) {
    String body = result.body().strip().replaceAll("\\s+", " ");
    return secrets.redact(body.length() > 300 ? body.substring(0, 300) + "..." : body);
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
  }

  static String seconds(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
