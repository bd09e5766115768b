package org.trainer4j.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;

/**
 * A W&B server for tests, on MockWebServer: answers Viewer, ServerFeaturesQuery, UpsertBucket and
 * CreateRunFiles (whose upload addresses, under {@code /storage/}, take a PUT of the file), and keeps the
 * run's history file as file_stream writes it (each request puts its lines at its offset, so a retried
 * request overwrites rather than appends). Faults can be scheduled for the next file_stream requests.
 * Records every request.
 */
final class FakeWandbServer extends Dispatcher {
  /** One recorded request. */
  record Request(String path, Headers headers, String body, JsonNode json, long nanos) {
    String operation() {
      return json.path("operationName").asText();
    }
  }

  /** What to do with one file_stream request. */
  enum Fault {
    /** Answer 500 without storing anything. */
    HTTP_500,
    /** Answer 503 without storing anything. */
    HTTP_503,
    /** Answer 429 with Retry-After: 1 without storing anything. */
    HTTP_429_RETRY_AFTER,
    /** Store the lines, then drop the connection instead of answering. */
    RESET_AFTER_STORING,
    /** Drop the connection without storing. */
    RESET_BEFORE_STORING,
    /** Store the lines, then never answer (the client times out). */
    STALL_AFTER_STORING,
    /** Answer 404 (not retried). */
    HTTP_404
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Where the run files are uploaded (the server's "signed URLs"). */
  static final String STORAGE = "/storage/";
  /** A header the upload addresses require, as a storage service's signature would. */
  static final String UPLOAD_HEADER = "X-Upload-Check: signed";

  private final List<Request> requests = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<String> history = new ArrayList<>();
  private final List<Fault> faultsApplied = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final java.util.Map<String, String> storedFiles = new java.util.LinkedHashMap<>();
  private List<String> uploaded = List.of();
  private String summary;
  private Integer exitCode;
  private boolean expandsGlobs = true;
  private int viewerStatus = 200;
  private String defaultEntity = "alice";

  static FakeWandbServer on(MockWebServer server) {
    FakeWandbServer fake = new FakeWandbServer();
    server.setDispatcher(fake);
    return fake;
  }

  synchronized FakeWandbServer expandsGlobs(boolean v) {
    expandsGlobs = v;
    return this;
  }

  synchronized FakeWandbServer viewerStatus(int v) {
    viewerStatus = v;
    return this;
  }

  synchronized void fail(Fault... next) {
    faults.addAll(List.of(next));
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> fileStreamRequests() {
    return requests.stream().filter(r -> r.path().endsWith("/file_stream")).toList();
  }

  synchronized List<Request> graphqlRequests(String operation) {
    return requests.stream().filter(r -> r.path().equals("/graphql") && r.operation().equals(operation)).toList();
  }

  /** The history file as the server holds it. */
  synchronized List<String> history() {
    return List.copyOf(history);
  }

  synchronized Optional<String> summary() {
    return Optional.ofNullable(summary);
  }

  /** The run files PUT to the upload addresses, by name. */
  synchronized java.util.Map<String, String> storedFiles() {
    return new java.util.LinkedHashMap<>(storedFiles);
  }

  /** The {@code uploaded} list of the request that completed the run. */
  synchronized List<String> uploaded() {
    return uploaded;
  }

  synchronized Optional<Integer> exitCode() {
    return Optional.ofNullable(exitCode);
  }

  /** Protocol errors the server saw (e.g. an offset that leaves a gap); empty when all was well. */
  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  synchronized List<Fault> faultsApplied() {
    return List.copyOf(faultsApplied);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    String path = request.getUrl().encodedPath();
    if (path.startsWith(STORAGE)) {
      synchronized (this) {
        requests.add(new Request(path, request.getHeaders(), body, MAPPER.createObjectNode(), System.nanoTime()));
        storedFiles.put(path.substring(STORAGE.length()), body);
      }
      return new MockResponse.Builder().code(200).build();
    }
    JsonNode json;
    try {
      json = body.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    } catch (IOException e) {
      return new MockResponse.Builder().code(400).body("{\"error\":\"bad json\"}").build();
    }
    synchronized (this) {
      requests.add(new Request(path, request.getHeaders(), body, json, System.nanoTime()));
      if (path.equals("/graphql")) {
        return graphql(json, request.getUrl());
      }
      if (path.endsWith("/file_stream")) {
        return fileStream(json);
      }
    }
    return new MockResponse.Builder().code(404).body("{}").build();
  }

  private MockResponse graphql(JsonNode request, okhttp3.HttpUrl url) {
    String operation = request.path("operationName").asText();
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    switch (operation) {
      case "Viewer" -> {
        if (viewerStatus != 200) {
          return new MockResponse.Builder().code(viewerStatus).body("{\"errors\":[{\"message\":\"denied\"}]}").build();
        }
        ObjectNode viewer = data.putObject("viewer");
        viewer.put("id", "VXNlcjox").put("entity", defaultEntity).put("username", defaultEntity);
      }
      case "ServerFeaturesQuery" -> {
        ObjectNode feature = data.putObject("serverInfo").putArray("features").addObject();
        feature.put("name", "EXPAND_DEFINED_METRIC_GLOBS").put("isEnabled", expandsGlobs);
      }
      case "UpsertBucket" -> {
        JsonNode v = request.path("variables");
        ObjectNode bucket = data.putObject("upsertBucket").putObject("bucket");
        bucket.put("id", "UnVuOjE=").put("name", v.path("name").asText());
        bucket.set("displayName", v.path("displayName"));
        ObjectNode project = bucket.putObject("project");
        project.put("id", "UHJvamVjdDox").put("name", v.path("project").asText());
        project.putObject("entity").put("id", "RW50aXR5OjE=")
            .put("name", v.path("entity").isNull() ? defaultEntity : v.path("entity").asText());
        bucket.put("historyLineCount", 0);
        ((ObjectNode) data.path("upsertBucket")).put("inserted", true);
      }
      case "CreateRunFiles" -> {
        ObjectNode created = data.putObject("createRunFiles");
        created.put("runID", "UnVuOjE=");
        created.putArray("uploadHeaders").add(UPLOAD_HEADER);
        com.fasterxml.jackson.databind.node.ArrayNode files = created.putArray("files");
        for (JsonNode name : request.path("variables").path("files")) {
          files.addObject().put("name", name.asText())
              .put("uploadUrl", url.resolve(STORAGE + name.asText() + "?signature=x").toString());
        }
      }
      default -> {
        return new MockResponse.Builder().code(400).body("{\"errors\":[{\"message\":\"unknown\"}]}").build();
      }
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("data", data);
    return new MockResponse.Builder().code(200).body(root.toString()).build();
  }

  private MockResponse fileStream(JsonNode request) {
    Fault fault = faults.pollFirst();
    if (fault != null) {
      faultsApplied.add(fault);
    }
    if (fault == Fault.HTTP_500 || fault == Fault.HTTP_503 || fault == Fault.HTTP_404) {
      int code = fault == Fault.HTTP_500 ? 500 : fault == Fault.HTTP_503 ? 503 : 404;
      return new MockResponse.Builder().code(code).body("{\"error\":\"injected\"}").build();
    }
    if (fault == Fault.HTTP_429_RETRY_AFTER) {
      return new MockResponse.Builder().code(429).addHeader("Retry-After", "1").body("{}").build();
    }
    if (fault == Fault.RESET_BEFORE_STORING) {
      return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
    }
    store(request);
    if (fault == Fault.RESET_AFTER_STORING) {
      return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
    }
    if (fault == Fault.STALL_AFTER_STORING) {
      return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
    }
    return new MockResponse.Builder().code(200).body("{\"exitcode\":null,\"limits\":{}}").build();
  }

  private void store(JsonNode request) {
    JsonNode files = request.path("files");
    JsonNode h = files.path(Uploader.HISTORY_FILE);
    if (!h.isMissingNode()) {
      int offset = h.path("offset").asInt();
      int i = 0;
      for (JsonNode line : h.path("content")) {
        int at = offset + i++;
        if (at < history.size()) {
          history.set(at, line.asText());
        } else if (at == history.size()) {
          history.add(line.asText());
        } else {
          problems.add("history offset " + at + " leaves a gap after " + history.size() + " lines");
        }
      }
    }
    JsonNode s = files.path(Uploader.SUMMARY_FILE);
    if (!s.isMissingNode()) {
      JsonNode content = s.path("content");
      summary = content.get(content.size() - 1).asText();
    }
    if (request.path("complete").asBoolean(false)) {
      exitCode = request.path("exitcode").asInt();
      List<String> names = new ArrayList<>();
      request.path("uploaded").forEach(n -> names.add(n.asText()));
      uploaded = List.copyOf(names);
    }
  }
}
