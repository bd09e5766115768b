package org.trainer4j.wandb;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that configures a W&B run, read the way the W&B SDK reads it ({@link
 * #fromEnvironment(Map)}) or set in Java ({@link #builder()}). Immutable; validated when built.
 *
 * <p>The API key is held here but never shown: {@link #toString()} says only whether there is one and
 * where it came from, and no public method returns it.
 *
 * <pre>{@code
 * WandbSettings settings = WandbSettings.fromEnvironment(System.getenv())
 *     .project("mnist").tags("baseline", "cpu")
 *     .build();
 * }</pre>
 */
public final class WandbSettings {
  /** The W&B cloud's API address, used when {@code WANDB_BASE_URL} is not set. */
  public static final String DEFAULT_BASE_URL = "https://api.wandb.ai";
  /** The project used when {@code WANDB_PROJECT} is not set. */
  public static final String DEFAULT_PROJECT = "trainer4j";

  private static final Logger LOG = LoggerFactory.getLogger(WandbSettings.class);
  private static final String RUN_ID_FORBIDDEN = ":;,#?/'";
  private static final String PROJECT_FORBIDDEN = "/\\#?%:";
  private static final char[] RUN_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String apiKey;
  private final String apiKeySource;
  private final String apiKeySearch;
  private final String baseUrl;
  private final String appUrl;
  private final String project;
  private final String entity;
  private final WandbMode mode;
  private final String runId;
  private final String runName;
  private final String notes;
  private final List<String> tags;
  private final String runGroup;
  private final String jobType;
  private final Path directory;
  private final boolean silent;
  private final String host;
  private final Duration transmitInterval;
  private final Duration heartbeatInterval;
  private final Duration finishTimeout;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final Duration requestTimeout;
  private final int maxQueuedRows;
  private final long uploadBufferBytes;
  private final Ticker ticker;

  private WandbSettings(Builder b, String apiKey, String apiKeySource, String apiKeySearch, String baseUrl,
      String appUrl, String runId) {
    this.apiKey = apiKey;
    this.apiKeySource = apiKeySource;
    this.apiKeySearch = apiKeySearch;
    this.baseUrl = baseUrl;
    this.appUrl = appUrl;
    this.project = b.project;
    this.entity = b.entity;
    this.mode = b.mode;
    this.runId = runId;
    this.runName = b.runName;
    this.notes = b.notes;
    this.tags = List.copyOf(b.tags);
    this.runGroup = b.runGroup;
    this.jobType = b.jobType;
    this.directory = b.directory;
    this.silent = b.silent;
    this.host = b.host;
    this.transmitInterval = b.transmitInterval;
    this.heartbeatInterval = b.heartbeatInterval;
    this.finishTimeout = b.finishTimeout;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.requestTimeout = b.requestTimeout;
    this.maxQueuedRows = b.maxQueuedRows;
    this.uploadBufferBytes = b.uploadBufferBytes;
    this.ticker = b.ticker;
  }

  /** A builder with the SDK's defaults and nothing read from the environment. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder filled from environment variables as the W&B SDK reads them: {@code WANDB_API_KEY},
   * {@code WANDB_BASE_URL}, {@code WANDB_APP_URL}, {@code WANDB_PROJECT}, {@code WANDB_ENTITY}, {@code
   * WANDB_MODE}, {@code WANDB_RUN_ID}, {@code WANDB_NAME}, {@code WANDB_NOTES}, {@code WANDB_TAGS}
   * (comma-separated), {@code WANDB_RUN_GROUP}, {@code WANDB_JOB_TYPE}, {@code WANDB_DIR}, {@code
   * WANDB_SILENT}, Hugging Face's {@code WANDB_DISABLED} (true means disabled) and {@code NETRC}. Empty
   * values count as unset. Anything can still be changed on the builder.
   *
   * @param environment usually {@code System.getenv()}
   * @throws IllegalArgumentException for a value that cannot be read (naming the variable)
   */
  public static Builder fromEnvironment(Map<String, String> environment) {
    Map<String, String> env = new HashMap<>();
    environment.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        env.put(k, v.trim());
      }
    });
    Builder b = new Builder();
    b.from("apiKey", "WANDB_API_KEY", env, v -> b.apiKey = v);
    b.from("baseUrl", "WANDB_BASE_URL", env, v -> b.baseUrl = v);
    b.from("appUrl", "WANDB_APP_URL", env, v -> b.appUrl = v);
    b.from("project", "WANDB_PROJECT", env, v -> b.project = v);
    b.from("entity", "WANDB_ENTITY", env, v -> b.entity = v);
    b.from("mode", "WANDB_MODE", env, v -> b.mode = WandbMode.parse("WANDB_MODE", v));
    b.from("runId", "WANDB_RUN_ID", env, v -> b.runId = v);
    b.from("runName", "WANDB_NAME", env, v -> b.runName = v);
    b.from("notes", "WANDB_NOTES", env, v -> b.notes = v);
    b.from("tags", "WANDB_TAGS", env, v -> b.tags = Arrays.stream(v.split(","))
        .map(String::trim).filter(t -> !t.isEmpty()).toList());
    b.from("runGroup", "WANDB_RUN_GROUP", env, v -> b.runGroup = v);
    b.from("jobType", "WANDB_JOB_TYPE", env, v -> b.jobType = v);
    b.from("directory", "WANDB_DIR", env, v -> b.directory = Path.of(v));
    b.from("silent", "WANDB_SILENT", env, v -> b.silent = parseBoolean("WANDB_SILENT", v));
    b.from("netrcFile", "NETRC", env, v -> b.netrcFile = Path.of(v));
    String disabled = env.get("WANDB_DISABLED");
    if (disabled != null && isHfTrue(disabled)) {
      // Hugging Face's switch (the SDK itself no longer reads it).
      b.mode = WandbMode.DISABLED;
      b.sources.put("mode", "WANDB_DISABLED");
    }
    return b;
  }

  // ---- accessors ----

  /** Whether an API key was found (in Java, {@code WANDB_API_KEY} or a netrc file). */
  public boolean hasApiKey() { return apiKey != null; }
  /** Where the API key came from (e.g. {@code WANDB_API_KEY}), never the key itself. */
  public Optional<String> apiKeySource() { return Optional.ofNullable(apiKeySource); }
  /** Where an API key was looked for, in words, for messages. */
  public String apiKeySearch() { return apiKeySearch; }
  /** The API's address without a trailing slash, e.g. {@code https://api.wandb.ai}. */
  public String baseUrl() { return baseUrl; }
  /** The web app's address, used for run links, e.g. {@code https://wandb.ai}. */
  public String appUrl() { return appUrl; }
  public String project() { return project; }
  /** The entity (user or team); empty means the API key's default entity. */
  public Optional<String> entity() { return Optional.ofNullable(entity); }
  public WandbMode mode() { return mode; }
  /** The run's ID: given, or 8 random lower-case letters and digits. */
  public String runId() { return runId; }
  /** The run's display name; empty means the caller chooses (the callback uses {@code run_name}). */
  public Optional<String> runName() { return Optional.ofNullable(runName); }
  public Optional<String> notes() { return Optional.ofNullable(notes); }
  public List<String> tags() { return tags; }
  public Optional<String> runGroup() { return Optional.ofNullable(runGroup); }
  public Optional<String> jobType() { return Optional.ofNullable(jobType); }
  /** The folder under which runs are written, in its {@code wandb/} sub-folder ({@code WANDB_DIR}). */
  public Path directory() { return directory; }
  /** Whether informational messages (run link, sync hint) are logged at DEBUG instead of INFO. */
  public boolean silent() { return silent; }
  /** The host name reported to W&B, or empty for this machine's name. */
  public Optional<String> host() { return Optional.ofNullable(host); }
  /** At most one file_stream request per this interval (sooner when a request is full). */
  public Duration transmitInterval() { return transmitInterval; }
  /** An empty file_stream request is sent after this long without one, to show the run is alive. */
  public Duration heartbeatInterval() { return heartbeatInterval; }
  /** The longest {@code finish()} waits for the upload to complete. */
  public Duration finishTimeout() { return finishTimeout; }
  /** The first retry delay; it doubles on each failure up to {@link #retryMaxDelay()}. */
  public Duration retryBaseDelay() { return retryBaseDelay; }
  public Duration retryMaxDelay() { return retryMaxDelay; }
  /**
   * The longest one HTTP request may take before it is cancelled and retried. While {@code finish()}
   * waits, a request may take at most {@link #finishingRequestTimeout()}.
   */
  public Duration requestTimeout() { return requestTimeout; }
  /**
   * The longest one HTTP request may take while {@code finish()} waits: the request timeout, but at
   * most a third of the finish timeout, so that a request the server never answers leaves time to
   * retry it.
   */
  public Duration finishingRequestTimeout() {
    Duration third = finishTimeout.dividedBy(3);
    return requestTimeout.compareTo(third) < 0 ? requestTimeout : third;
  }
  /** Rows that may wait for the writer thread before {@code log()} waits for room. */
  public int maxQueuedRows() { return maxQueuedRows; }
  /** Bytes of history that may wait for upload; later rows stay only in the .wandb file. */
  public long uploadBufferBytes() { return uploadBufferBytes; }

  /** The key itself, for the HTTP client only. */
  Optional<String> apiKey() { return Optional.ofNullable(apiKey); }

  /** The clock of the run's intervals, retries and deadlines. */
  Ticker ticker() { return ticker; }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.apiKey = apiKey;
    b.explicitKeySource = apiKeySource;
    b.baseUrl = baseUrl;
    b.appUrl = appUrl;
    b.project = project;
    b.entity = entity;
    b.mode = mode;
    b.runId = runId;
    b.runName = runName;
    b.notes = notes;
    b.tags = tags;
    b.runGroup = runGroup;
    b.jobType = jobType;
    b.directory = directory;
    b.silent = silent;
    b.host = host;
    b.transmitInterval = transmitInterval;
    b.heartbeatInterval = heartbeatInterval;
    b.finishTimeout = finishTimeout;
    b.retryBaseDelay = retryBaseDelay;
    b.retryMaxDelay = retryMaxDelay;
    b.requestTimeout = requestTimeout;
    b.maxQueuedRows = maxQueuedRows;
    b.uploadBufferBytes = uploadBufferBytes;
    b.ticker = ticker;
    b.apiKeySearchOverride = apiKeySearch;
    return b;
  }

  /** The settings without the API key: only whether there is one, and from where. */
  @Override
  public String toString() {
    return new Secrets(apiKey()).redact("WandbSettings{mode=" + mode.name().toLowerCase(Locale.ROOT)
        + ", baseUrl=" + baseUrl
        + ", project=" + project
        + ", entity=" + (entity == null ? "(default)" : entity)
        + ", runId=" + runId
        + (runName == null ? "" : ", runName=" + runName)
        + (tags.isEmpty() ? "" : ", tags=" + tags)
        + (runGroup == null ? "" : ", runGroup=" + runGroup)
        + (jobType == null ? "" : ", jobType=" + jobType)
        + ", directory=" + directory
        + ", apiKey=" + (apiKey == null ? "(none)" : "(set, from " + apiKeySource + ")")
        + "}");
  }

  // ---- helpers ----

  static boolean parseBoolean(String option, String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(option + "=" + text
          + " is not allowed; use true or false (1/0, yes/no, on/off also work)");
    };
  }

  /** Hugging Face's truthy values for {@code WANDB_DISABLED}. */
  private static boolean isHfTrue(String text) {
    return switch (text.trim().toUpperCase(Locale.ROOT)) {
      case "1", "ON", "YES", "TRUE" -> true;
      default -> false;
    };
  }

  static String randomRunId() {
    char[] id = new char[8];
    for (int i = 0; i < id.length; i++) {
      id[i] = RUN_ID_ALPHABET[RANDOM.nextInt(RUN_ID_ALPHABET.length)];
    }
    return new String(id);
  }

  /** The SDK's app URL rule: {@code api.wandb.*} loses {@code api.}, another {@code api.} host becomes {@code app.}. */
  static String deriveAppUrl(String baseUrl) {
    if (baseUrl.contains("://api.wandb.")) {
      return baseUrl.replaceFirst("://api\\.", "://");
    }
    if (baseUrl.contains("://api.")) {
      return baseUrl.replaceFirst("://api\\.", "://app.");
    }
    return baseUrl;
  }

  /** Builds {@link WandbSettings}; every option starts at the SDK's default. */
  public static final class Builder {
    private String apiKey;
    private String explicitKeySource;
    private String apiKeySearchOverride;
    private String baseUrl = DEFAULT_BASE_URL;
    private String appUrl;
    private String project = DEFAULT_PROJECT;
    private String entity;
    private WandbMode mode = WandbMode.ONLINE;
    private String runId;
    private String runName;
    private String notes;
    private List<String> tags = List.of();
    private String runGroup;
    private String jobType;
    private Path directory = Path.of("").toAbsolutePath();
    private boolean silent;
    private String host;
    private Path netrcFile;
    private Path homeDirectory = Path.of(System.getProperty("user.home", "."));
    private Duration transmitInterval = Duration.ofSeconds(15);
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration finishTimeout = Duration.ofSeconds(60);
    private Duration retryBaseDelay = Duration.ofSeconds(2);
    private Duration retryMaxDelay = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxQueuedRows = 10_000;
    private long uploadBufferBytes = 64L << 20;
    private Ticker ticker = Ticker.SYSTEM;
    /** Option name to the name the user gave it (an environment variable or the Java option). */
    private final Map<String, String> sources = new HashMap<>();

    private Builder() {}

    private void from(String option, String variable, Map<String, String> env, Consumer<String> set) {
      String value = env.get(variable);
      if (value != null) {
        set.accept(value);
        sources.put(option, variable);
        if (option.equals("apiKey")) {
          explicitKeySource = variable;
        }
      }
    }

    private String label(String option) {
      return sources.getOrDefault(option, option);
    }

    private Builder set(String option) {
      sources.put(option, option);
      return this;
    }

    /** The API key (else {@code WANDB_API_KEY}, else the netrc entry of the base URL's host). */
    public Builder apiKey(String v) { apiKey = Objects.requireNonNull(v, "apiKey"); explicitKeySource = "the Java settings"; return set("apiKey"); }
    /** The API address, default {@value WandbSettings#DEFAULT_BASE_URL}. */
    public Builder baseUrl(String v) { baseUrl = Objects.requireNonNull(v, "baseUrl"); return set("baseUrl"); }
    /** The web app address for run links; default derived from the base URL as the SDK does. */
    public Builder appUrl(String v) { appUrl = Objects.requireNonNull(v, "appUrl"); return set("appUrl"); }
    public Builder project(String v) { project = Objects.requireNonNull(v, "project"); return set("project"); }
    public Builder entity(String v) { entity = Objects.requireNonNull(v, "entity"); return set("entity"); }
    public Builder mode(WandbMode v) { mode = Objects.requireNonNull(v, "mode"); return set("mode"); }
    /** {@code online}, {@code offline}, {@code disabled} (or {@code dryrun}, {@code run}). */
    public Builder mode(String v) { return mode(WandbMode.parse("mode", v)); }
    public Builder runId(String v) { runId = Objects.requireNonNull(v, "runId"); return set("runId"); }
    public Builder runName(String v) { runName = Objects.requireNonNull(v, "runName"); return set("runName"); }
    public Builder notes(String v) { notes = Objects.requireNonNull(v, "notes"); return set("notes"); }
    public Builder tags(List<String> v) { tags = List.copyOf(v); return set("tags"); }
    public Builder tags(String... v) { return tags(List.of(v)); }
    public Builder runGroup(String v) { runGroup = Objects.requireNonNull(v, "runGroup"); return set("runGroup"); }
    public Builder jobType(String v) { jobType = Objects.requireNonNull(v, "jobType"); return set("jobType"); }
    /** Runs are written in {@code <directory>/wandb/}; default the working directory. */
    public Builder directory(Path v) { directory = Objects.requireNonNull(v, "directory"); return set("directory"); }
    public Builder silent(boolean v) { silent = v; return set("silent"); }
    public Builder host(String v) { host = Objects.requireNonNull(v, "host"); return set("host"); }
    /** The netrc file to read the key from (default {@code ~/.netrc}, then {@code ~/_netrc}). */
    public Builder netrcFile(Path v) { netrcFile = Objects.requireNonNull(v, "netrcFile"); return set("netrcFile"); }
    /** The home directory in which {@code .netrc} is looked for; default {@code user.home}. */
    public Builder homeDirectory(Path v) { homeDirectory = Objects.requireNonNull(v, "homeDirectory"); return set("homeDirectory"); }
    public Builder transmitInterval(Duration v) { transmitInterval = Objects.requireNonNull(v); return set("transmitInterval"); }
    public Builder heartbeatInterval(Duration v) { heartbeatInterval = Objects.requireNonNull(v); return set("heartbeatInterval"); }
    public Builder finishTimeout(Duration v) { finishTimeout = Objects.requireNonNull(v); return set("finishTimeout"); }
    public Builder retryBaseDelay(Duration v) { retryBaseDelay = Objects.requireNonNull(v); return set("retryBaseDelay"); }
    public Builder retryMaxDelay(Duration v) { retryMaxDelay = Objects.requireNonNull(v); return set("retryMaxDelay"); }
    public Builder requestTimeout(Duration v) { requestTimeout = Objects.requireNonNull(v); return set("requestTimeout"); }
    public Builder maxQueuedRows(int v) { maxQueuedRows = v; return set("maxQueuedRows"); }
    public Builder uploadBufferBytes(long v) { uploadBufferBytes = v; return set("uploadBufferBytes"); }
    /** The clock of intervals, retries and deadlines (tests set a manual one). */
    Builder ticker(Ticker v) { ticker = Objects.requireNonNull(v, "ticker"); return this; }

    /**
     * Validates the options, picks a run ID when none was given, and finds the API key for online runs
     * (the netrc file is read here).
     *
     * @throws IllegalArgumentException naming the option (or environment variable), the value and what
     *     is allowed; an API key is never shown
     */
    public WandbSettings build() {
      String base = validateBaseUrl(baseUrl);
      String app = appUrl == null ? deriveAppUrl(base) : stripSlash(appUrl);
      requireText("project", project, 128, PROJECT_FORBIDDEN);
      if (entity != null) {
        requireText("entity", entity, 128, PROJECT_FORBIDDEN);
      }
      String id = runId == null ? randomRunId() : runId;
      requireText("runId", id, 128, RUN_ID_FORBIDDEN);
      for (String tag : tags) {
        if (tag.isEmpty() || tag.length() > 64) {
          throw new IllegalArgumentException(label("tags") + " contains the tag '" + tag
              + "'; each tag must have 1 to 64 characters");
        }
      }
      requirePositive("transmitInterval", transmitInterval);
      requirePositive("heartbeatInterval", heartbeatInterval);
      requirePositive("finishTimeout", finishTimeout);
      requirePositive("retryBaseDelay", retryBaseDelay);
      requirePositive("retryMaxDelay", retryMaxDelay);
      requirePositive("requestTimeout", requestTimeout);
      if (maxQueuedRows < 1) {
        throw new IllegalArgumentException("maxQueuedRows=" + maxQueuedRows + " is not allowed; use 1 or more");
      }
      if (uploadBufferBytes < 1 << 20) {
        throw new IllegalArgumentException("uploadBufferBytes=" + uploadBufferBytes
            + " is not allowed; use at least 1048576 (1 MiB)");
      }
      String key = apiKey;
      String source = explicitKeySource;
      List<String> netrcFiles = netrcCandidates();
      List<String> machines = machineNames(base);
      String search = apiKeySearchOverride != null ? apiKeySearchOverride
          : "WANDB_API_KEY and " + String.join(", then ", netrcFiles) + " (machine "
              + String.join(" or ", machines) + ")";
      if (key != null) {
        checkKeyFormat(label("apiKey"), key);
      } else if (mode == WandbMode.ONLINE) {
        for (String file : netrcFiles) {
          Optional<String> found = readNetrc(Path.of(file), machines);
          if (found.isPresent()) {
            key = found.get();
            source = "netrc file " + file;
            checkKeyFormat("the password in " + file, key);
            break;
          }
        }
      }
      if (key != null) {
        refuseKeyIn("project", project, key);
        refuseKeyIn("entity", entity, key);
        refuseKeyIn("runId", id, key);
      }
      return new WandbSettings(this, key, key == null ? null : source, search, base, app, id);
    }

    private List<String> netrcCandidates() {
      if (netrcFile != null) {
        return List.of(netrcFile.toString());
      }
      return List.of(homeDirectory.resolve(".netrc").toString(), homeDirectory.resolve("_netrc").toString());
    }

    private static Optional<String> readNetrc(Path file, List<String> machines) {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      try {
        return Netrc.read(file).password(machines);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not read the netrc file {} ({}); looking elsewhere for a W&B API key", file,
            e.getClass().getSimpleName());
        return Optional.empty();
      }
    }

    /** {@code host:port} when the URL names a port, then the bare host. */
    private static List<String> machineNames(String base) {
      URI uri = URI.create(base);
      List<String> names = new ArrayList<>();
      if (uri.getPort() != -1) {
        names.add(uri.getHost() + ":" + uri.getPort());
      }
      names.add(uri.getHost());
      return names;
    }

    private String validateBaseUrl(String url) {
      String trimmed = stripSlash(url.trim());
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(label("baseUrl") + "=" + url
            + " is not allowed; use an http(s) address such as " + DEFAULT_BASE_URL);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
        throw new IllegalArgumentException(label("baseUrl") + "=" + url
            + " is not allowed; use an http(s) address such as " + DEFAULT_BASE_URL);
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if ((host.equals("wandb.ai") || host.endsWith(".wandb.ai"))
          && (!scheme.equals("https") || !host.contains("api."))) {
        throw new IllegalArgumentException(label("baseUrl") + "=" + url
            + " is not allowed; the W&B cloud is reached at " + DEFAULT_BASE_URL + " (https, api. host)");
      }
      return trimmed;
    }

    private static String stripSlash(String url) {
      String s = url;
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return s;
    }

    private void requireText(String option, String value, int maxLength, String forbidden) {
      if (value.isBlank() || value.length() > maxLength) {
        throw new IllegalArgumentException(label(option) + "=" + value + " is not allowed; use 1 to "
            + maxLength + " characters");
      }
      for (char c : value.toCharArray()) {
        if (forbidden.indexOf(c) >= 0 || Character.isWhitespace(c) && !option.equals("project")) {
          throw new IllegalArgumentException(label(option) + "=" + value + " is not allowed; it must not"
              + " contain any of " + forbidden + (option.equals("project") ? "" : " or white space"));
        }
      }
    }

    /** An identifier that holds the key would put it in URLs and file names; free text is redacted instead. */
    private void refuseKeyIn(String option, String value, String key) {
      if (value != null && value.contains(key)) {
        throw new IllegalArgumentException(label(option) + " contains the W&B API key, which would then appear in"
            + " the run's address and file names; use another " + option);
      }
    }

    private void requirePositive(String option, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(option + "=" + value + " is not allowed; use a positive duration");
      }
    }

    /** The key goes into an HTTP header: printable ASCII without spaces. The message never shows it. */
    private static void checkKeyFormat(String where, String key) {
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          throw new IllegalArgumentException(where + " is not a valid W&B API key (it contains a space or a"
              + " character that is not printable ASCII, at position " + (i + 1) + " of " + key.length()
              + "); copy the key again from https://wandb.ai/authorize");
        }
      }
    }
  }
}
