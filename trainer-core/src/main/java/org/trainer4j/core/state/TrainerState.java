package org.trainer4j.core.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.Trainer;

/**
 * The progress of a run, as HF's {@code TrainerState}: what callbacks read, and what {@code
 * trainer_state.json} holds. The Trainer updates it through a {@link Writer} that only the training
 * loop holds; callbacks may read all of it and change {@link TrainerControl}, never the state (HF's
 * rule).
 *
 * <p>{@link #saveToJson(Path)} writes HF's layout exactly ({@code json.dumps(asdict(state), indent=2,
 * sort_keys=True) + "\n"}: keys sorted at every level, two-space indent, Python's float spelling), so a
 * state written here loads in HF's Trainer and the other way round. A file read by {@link
 * #loadFromJson(Path)} and saved again is byte for byte the same: numbers keep their JSON type (HF
 * writes {@code "total_flos": 0} before training and {@code "logging_steps": 1.0} in some runs), and
 * keys from newer HF versions are kept.
 */
public final class TrainerState {
  // Numbers are kept as the JSON number they were read as (Long or Double) or set as, so that saving
  // a loaded file gives the same text; the accessors convert.
  private Number epoch; // HF's None until training starts
  private Number globalStep = 0;
  private Number maxSteps = 0;
  private Number loggingSteps = 500;
  private Number evalSteps = 500;
  private Number saveSteps = 500;
  private Number trainBatchSize;
  private Number numTrainEpochs = 0;
  private Number numInputTokensSeen = 0;
  private Number totalFlos = 0;
  private final List<Map<String, Object>> logHistory = new ArrayList<>();
  /**
   * Each row's JSON text once a save has written it (null before): rows never change, and formatting
   * every float of a long history again at each save would cost seconds.
   */
  private final List<PyJson.Raw> logHistoryJson = new ArrayList<>();
  /** At most this many rows are kept (the newest); 0 keeps all. */
  private int logHistoryLimit;
  private Number bestMetric;
  private Number bestGlobalStep;
  private String bestModelCheckpoint;
  private boolean isLocalProcessZero = true;
  private boolean isWorldProcessZero = true;
  private boolean isHyperParamSearch;
  private String trialName;
  private Map<String, Object> trialParams;
  private Map<String, Object> statefulCallbacks = new LinkedHashMap<>();
  private final Map<String, Object> otherFields = new LinkedHashMap<>();

  /**
   * Epochs done, with a fraction for the current one (e.g. 1.5): empty until training starts (HF's
   * {@code None}, {@code null} in {@code trainer_state.json}), 0 from {@code onTrainBegin} on.
   */
  public Optional<Double> epoch() { return Optional.ofNullable(epoch).map(Number::doubleValue); }
  /** Optimizer steps done. */
  public int globalStep() { return globalStep.intValue(); }
  /** Total optimizer steps of the run. */
  public int maxSteps() { return maxSteps.intValue(); }
  /** {@code logging_steps} resolved to a whole number of steps (ratios applied). */
  public int loggingSteps() { return loggingSteps.intValue(); }
  /** {@code eval_steps} resolved to a whole number of steps. */
  public int evalSteps() { return evalSteps.intValue(); }
  /** {@code save_steps} resolved to a whole number of steps. */
  public int saveSteps() { return saveSteps.intValue(); }
  /** The batch size of training; empty before training. */
  public Optional<Integer> trainBatchSize() { return Optional.ofNullable(trainBatchSize).map(Number::intValue); }
  /** Epochs the run goes through (the last one possibly partial). */
  public int numTrainEpochs() { return numTrainEpochs.intValue(); }
  /** Input tokens seen so far (0 unless the Trainer counts them). */
  public long numInputTokensSeen() { return numInputTokensSeen.longValue(); }
  /** Estimated floating point operations so far (6 × parameters × samples). */
  public double totalFlos() { return totalFlos.doubleValue(); }
  /**
   * Every log row so far, each with its {@code step}, or the newest {@link #limitLogHistory} of them;
   * read-only.
   */
  public List<Map<String, Object>> logHistory() {
    int size = logHistory.size();
    return Collections.unmodifiableList(logHistoryLimit == 0 || size <= logHistoryLimit
        ? logHistory : logHistory.subList(size - logHistoryLimit, size));
  }
  /** The best value of {@code metric_for_best_model} so far. */
  public Optional<Double> bestMetric() { return Optional.ofNullable(bestMetric).map(Number::doubleValue); }
  /** The step at which {@link #bestMetric()} was reached. */
  public Optional<Integer> bestGlobalStep() { return Optional.ofNullable(bestGlobalStep).map(Number::intValue); }
  /** The checkpoint folder of the best model so far. */
  public Optional<String> bestModelCheckpoint() { return Optional.ofNullable(bestModelCheckpoint); }
  public boolean isLocalProcessZero() { return isLocalProcessZero; }
  /** Only the world process zero writes logs and files; always true in a single process. */
  public boolean isWorldProcessZero() { return isWorldProcessZero; }
  public boolean isHyperParamSearch() { return isHyperParamSearch; }
  public Optional<String> trialName() { return Optional.ofNullable(trialName); }
  public Map<String, Object> trialParams() { return trialParams == null ? Map.of() : Collections.unmodifiableMap(trialParams); }
  /**
   * Exported state of stateful callbacks (see {@link org.trainer4j.core.state.ExportableState}), by
   * simple class name: {@code {"args": {...}, "attributes": {...}}}, or a list of those when several
   * callbacks share a class.
   */
  public Map<String, Object> statefulCallbacks() { return Collections.unmodifiableMap(statefulCallbacks); }

  void setEpoch(double v) { epoch = v; }
  void setGlobalStep(int v) { globalStep = v; }
  void setMaxSteps(int v) { maxSteps = v; }
  void setLoggingSteps(int v) { loggingSteps = v; }
  void setEvalSteps(int v) { evalSteps = v; }
  void setSaveSteps(int v) { saveSteps = v; }
  void setTrainBatchSize(int v) { trainBatchSize = v; }
  void setNumTrainEpochs(int v) { numTrainEpochs = v; }
  void setNumInputTokensSeen(long v) { numInputTokensSeen = v; }
  void setTotalFlos(double v) { totalFlos = v; }
  void setBestMetric(double v) { bestMetric = v; }
  void setBestGlobalStep(int v) { bestGlobalStep = v; }
  void setBestModelCheckpoint(String v) { bestModelCheckpoint = v; }
  /** Marks this process's rank (distributed runs; a single process is both zeros). */
  void setProcessZero(boolean local, boolean world) {
    isLocalProcessZero = local;
    isWorldProcessZero = world;
  }

  void setHyperParamSearch(boolean v) { isHyperParamSearch = v; }
  void setTrialName(String v) { trialName = v; }
  void setTrialParams(Map<String, ?> v) { trialParams = castMap(PyJson.normalize(v)); }
  /** Replaces {@link #statefulCallbacks()} (values as JSON values: maps, lists, numbers, strings). */
  void setStatefulCallbacks(Map<String, ?> v) {
    statefulCallbacks = castMap(PyJson.normalize(Objects.requireNonNull(v, "stateful_callbacks")));
  }

  /**
   * Keeps only the newest {@code rows} rows of {@link #logHistory()} from now on (0 keeps all), so that a
   * long run's history, and the {@code trainer_state.json} every save writes, stay bounded. Nothing of
   * the Trainer reads the history back: best model and resume use their own fields, so a capped run
   * trains, stops and resumes exactly as an uncapped one.
   *
   * @throws IllegalArgumentException for a negative number
   */
  void limitLogHistory(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("log history limit " + rows + " is not allowed; use 0 (keep every row)"
          + " or a positive number of rows");
    }
    logHistoryLimit = rows;
    dropOldRows(rows);
  }

  /** Appends one row to {@link #logHistory()}. */
  void appendLog(Map<String, ?> row) {
    appendOwnedLog(new LinkedHashMap<>(row));
  }

  /** Appends a row made for the history and not touched afterwards, without copying it again. */
  private void appendOwnedLog(Map<String, Object> row) {
    logHistory.add(Collections.unmodifiableMap(row));
    logHistoryJson.add(null);
    if (logHistoryLimit > 0 && logHistory.size() >= 2 * logHistoryLimit) {
      dropOldRows(logHistoryLimit); // in one go every limit rows, so appending stays O(1)
    }
  }

  private void dropOldRows(int keep) {
    if (keep > 0 && logHistory.size() > keep) {
      logHistory.subList(0, logHistory.size() - keep).clear();
      logHistoryJson.subList(0, logHistoryJson.size() - keep).clear();
    }
  }

  /**
   * HF's {@code Trainer.log} bookkeeping: the row with {@code epoch} added once training has started
   * (what {@code onLog} gets), appended to {@link #logHistory()} with {@code step} as well.
   */
  Map<String, Object> recordLog(Map<String, ?> logs) {
    Map<String, Object> row = withEpoch(logs);
    Map<String, Object> history = new LinkedHashMap<>(row);
    history.put("step", globalStep());
    appendOwnedLog(history); // runs at every logged step: one copy of the row for the history, not two
    return Collections.unmodifiableMap(row);
  }

  /** A copy of the row with {@code epoch} added once training has started, as HF's {@code Trainer.log}. */
  public Map<String, Object> withEpoch(Map<String, ?> logs) {
    Map<String, Object> row = new LinkedHashMap<>(logs);
    epoch().ifPresent(e -> row.put("epoch", e));
    return row;
  }

  /**
   * The state as HF's {@code dataclasses.asdict(state)}: HF names in field order (keys of newer HF
   * versions read from a file at the end); read-only.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("global_step", globalStep);
    m.put("max_steps", maxSteps);
    m.put("logging_steps", loggingSteps);
    m.put("eval_steps", evalSteps);
    m.put("save_steps", saveSteps);
    m.put("train_batch_size", trainBatchSize);
    m.put("num_train_epochs", numTrainEpochs);
    m.put("num_input_tokens_seen", numInputTokensSeen);
    m.put("total_flos", totalFlos);
    m.put("log_history", logHistory());
    m.put("best_metric", bestMetric);
    m.put("best_global_step", bestGlobalStep);
    m.put("best_model_checkpoint", bestModelCheckpoint);
    m.put("is_local_process_zero", isLocalProcessZero);
    m.put("is_world_process_zero", isWorldProcessZero);
    m.put("is_hyper_param_search", isHyperParamSearch);
    m.put("trial_name", trialName);
    m.put("trial_params", trialParams == null ? null : Collections.unmodifiableMap(trialParams));
    m.put("stateful_callbacks", statefulCallbacks());
    otherFields.forEach(m::putIfAbsent);
    return Collections.unmodifiableMap(m);
  }

  /**
   * The JSON text of {@code trainer_state.json}: sorted keys, two-space indent, trailing newline. A row
   * of the history is formatted the first time it is written and its text reused after that, so a save
   * costs the new rows plus copying the text of the old ones.
   */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>(toMap());
    int size = logHistory.size();
    int first = logHistoryLimit == 0 ? 0 : Math.max(0, size - logHistoryLimit);
    List<PyJson.Raw> rows = new ArrayList<>(size - first);
    for (int i = first; i < size; i++) {
      PyJson.Raw text = logHistoryJson.get(i);
      if (text == null) {
        text = new PyJson.Raw(PyJson.dumps(logHistory.get(i), true, 2)); // a row sits 2 levels deep
        logHistoryJson.set(i, text);
      }
      rows.add(text);
    }
    m.put("log_history", rows);
    return PyJson.dumps(m, true) + "\n";
  }

  /**
   * Writes {@code trainer_state.json} as HF does (UTF-8; the text is ASCII, as Python escapes the
   * rest).
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public void saveToJson(Path file) {
    try {
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trainer state to " + file, e);
    }
  }

  /**
   * Reads a {@code trainer_state.json} written by this class or by HF's Trainer; missing keys get HF's
   * defaults.
   *
   * @throws IllegalArgumentException naming the file and the key when the content is not a trainer
   *     state
   * @throws UncheckedIOException when the file cannot be read
   */
  public static TrainerState loadFromJson(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trainer state from " + file, e);
    }
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses the JSON text of a {@code trainer_state.json}.
   *
   * @throws IllegalArgumentException naming the key when a value has the wrong type
   */
  public static TrainerState fromJson(String json) {
    if (!(PyJson.loads(json) instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException("a trainer state must be a JSON object");
    }
    Map<String, Object> m = new LinkedHashMap<>(castMap(raw));
    TrainerState s = new TrainerState();
    s.epoch = optionalNumber(m, "epoch", false, null); // None in HF v4 before training
    s.globalStep = number(m, "global_step", true, s.globalStep);
    s.maxSteps = number(m, "max_steps", true, s.maxSteps);
    s.loggingSteps = number(m, "logging_steps", true, s.loggingSteps);
    s.evalSteps = number(m, "eval_steps", true, s.evalSteps);
    s.saveSteps = number(m, "save_steps", true, s.saveSteps);
    s.trainBatchSize = optionalNumber(m, "train_batch_size", true, null);
    s.numTrainEpochs = number(m, "num_train_epochs", true, s.numTrainEpochs);
    s.numInputTokensSeen = number(m, "num_input_tokens_seen", true, s.numInputTokensSeen);
    s.totalFlos = number(m, "total_flos", false, s.totalFlos);
    if (m.containsKey("log_history") && m.get("log_history") != null) {
      if (!(m.get("log_history") instanceof List<?> rows)) {
        throw new IllegalArgumentException("log_history must be a list of JSON objects, got " + m.get("log_history"));
      }
      for (Object row : rows) {
        if (!(row instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException("log_history entries must be JSON objects, got " + row);
        }
        s.logHistory.add(Collections.unmodifiableMap(castMap(map)));
        s.logHistoryJson.add(null);
      }
    }
    m.remove("log_history");
    s.bestMetric = optionalNumber(m, "best_metric", false, null);
    s.bestGlobalStep = optionalNumber(m, "best_global_step", true, null);
    s.bestModelCheckpoint = string(m, "best_model_checkpoint");
    s.isLocalProcessZero = bool(m, "is_local_process_zero", true);
    s.isWorldProcessZero = bool(m, "is_world_process_zero", true);
    s.isHyperParamSearch = bool(m, "is_hyper_param_search", false);
    s.trialName = string(m, "trial_name");
    s.trialParams = object(m, "trial_params");
    Map<String, Object> callbacks = object(m, "stateful_callbacks");
    s.statefulCallbacks = callbacks == null ? new LinkedHashMap<>() : callbacks;
    s.otherFields.putAll(m); // keys of newer HF versions: kept, and written back
    return s;
  }

  private static Number number(Map<String, Object> m, String key, boolean whole, Number fallback) {
    Number n = optionalNumber(m, key, whole, fallback);
    if (n == null) {
      throw new IllegalArgumentException(key + " must be " + (whole ? "a whole number" : "a number") + ", got null");
    }
    return n;
  }

  private static Number optionalNumber(Map<String, Object> m, String key, boolean whole, Number fallback) {
    if (!m.containsKey(key)) {
      return fallback;
    }
    Object v = m.remove(key);
    if (v != null && (!(v instanceof Number n) || (whole && n instanceof Double d && d != Math.rint(d)))) {
      throw new IllegalArgumentException(key + " must be " + (whole ? "a whole number" : "a number") + ", got " + v);
    }
    return (Number) v;
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.remove(key);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(key + " must be a string or null, got " + v);
    }
    return (String) v;
  }

  private static boolean bool(Map<String, Object> m, String key, boolean fallback) {
    if (!m.containsKey(key)) {
      return fallback;
    }
    Object v = m.remove(key);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(key + " must be true or false, got " + v);
    }
    return b;
  }

  private static Map<String, Object> object(Map<String, Object> m, String key) {
    Object v = m.remove(key);
    if (v != null && !(v instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(key + " must be a JSON object or null, got " + v);
    }
    return v == null ? null : castMap((Map<?, ?>) v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }

  @Override
  public String toString() {
    return "TrainerState{epoch=" + epoch + ", global_step=" + globalStep + ", max_steps=" + maxSteps
        + ", log_history=" + logHistory().size() + " rows}";
  }

  /**
   * The only way to change a state: the training loop holds the writer of the state it runs with, and
   * hands callbacks the state alone. A writer comes with a state of its own ({@link #create()}, {@link
   * #load(Path)}, {@link #parse(String)}); there is no writer for a state someone else made.
   */
  public static final class Writer {
    private final TrainerState state;

    private Writer(TrainerState state) {
      this.state = state;
    }

    /** A new state (HF's defaults) and its writer. */
    public static Writer create() {
      return new Writer(new TrainerState());
    }

    /** A state read from a {@code trainer_state.json} (see {@link TrainerState#loadFromJson}) and its writer. */
    public static Writer load(Path file) {
      return new Writer(loadFromJson(file));
    }

    /** A state parsed from JSON text (see {@link TrainerState#fromJson}) and its writer. */
    public static Writer parse(String json) {
      return new Writer(fromJson(json));
    }

    /** The state this writer changes. */
    public TrainerState state() {
      return state;
    }

    public void setEpoch(double v) { state.setEpoch(v); }
    public void setGlobalStep(int v) { state.setGlobalStep(v); }
    public void setMaxSteps(int v) { state.setMaxSteps(v); }
    public void setLoggingSteps(int v) { state.setLoggingSteps(v); }
    public void setEvalSteps(int v) { state.setEvalSteps(v); }
    public void setSaveSteps(int v) { state.setSaveSteps(v); }
    public void setTrainBatchSize(int v) { state.setTrainBatchSize(v); }
    public void setNumTrainEpochs(int v) { state.setNumTrainEpochs(v); }
    public void setNumInputTokensSeen(long v) { state.setNumInputTokensSeen(v); }
    public void setTotalFlos(double v) { state.setTotalFlos(v); }
    public void setBestMetric(double v) { state.setBestMetric(v); }
    public void setBestGlobalStep(int v) { state.setBestGlobalStep(v); }
    public void setBestModelCheckpoint(String v) { state.setBestModelCheckpoint(v); }
    public void setProcessZero(boolean local, boolean world) { state.setProcessZero(local, world); }
    public void setHyperParamSearch(boolean v) { state.setHyperParamSearch(v); }
    public void setTrialName(String v) { state.setTrialName(v); }
    public void setTrialParams(Map<String, ?> v) { state.setTrialParams(v); }
    public void setStatefulCallbacks(Map<String, ?> v) { state.setStatefulCallbacks(v); }
    public void limitLogHistory(int rows) { state.limitLogHistory(rows); }
    public void appendLog(Map<String, ?> row) { state.appendLog(row); }

    /** See {@link TrainerState#recordLog}: the row as {@code onLog} gets it. */
    public Map<String, Object> recordLog(Map<String, ?> logs) {
      return state.recordLog(logs);
    }
  }

}
