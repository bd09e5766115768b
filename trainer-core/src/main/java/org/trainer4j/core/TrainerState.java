package org.trainer4j.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.json.PyJson;

/**
 * The progress of a run, as HF's {@code TrainerState}: what callbacks read, and what {@code
 * trainer_state.json} holds. The Trainer updates it; callbacks may read all of it.
 *
 * <p>{@link #saveToJson(Path)} writes HF's layout exactly (keys sorted at every level, two-space
 * indent, trailing newline), so a state written here loads in HF's Trainer and the other way round.
 */
public final class TrainerState {
  private double epoch;
  private int globalStep;
  private int maxSteps;
  private int loggingSteps = 500;
  private int evalSteps = 500;
  private int saveSteps = 500;
  private Integer trainBatchSize;
  private int numTrainEpochs;
  private long numInputTokensSeen;
  private double totalFlos;
  private final List<Map<String, Object>> logHistory = new ArrayList<>();
  private Double bestMetric;
  private Integer bestGlobalStep;
  private String bestModelCheckpoint;
  private boolean isLocalProcessZero = true;
  private boolean isWorldProcessZero = true;
  private boolean isHyperParamSearch;
  private String trialName;
  private Map<String, Object> trialParams;
  private Map<String, Object> statefulCallbacks = new LinkedHashMap<>();

  /** Epochs done, with a fraction for the current one (e.g. 1.5). */
  public double epoch() { return epoch; }
  /** Optimizer steps done. */
  public int globalStep() { return globalStep; }
  /** Total optimizer steps of the run. */
  public int maxSteps() { return maxSteps; }
  /** {@code logging_steps} resolved to a whole number of steps (ratios applied). */
  public int loggingSteps() { return loggingSteps; }
  /** {@code eval_steps} resolved to a whole number of steps. */
  public int evalSteps() { return evalSteps; }
  /** {@code save_steps} resolved to a whole number of steps. */
  public int saveSteps() { return saveSteps; }
  public Optional<Integer> trainBatchSize() { return Optional.ofNullable(trainBatchSize); }
  public int numTrainEpochs() { return numTrainEpochs; }
  public long numInputTokensSeen() { return numInputTokensSeen; }
  /** Estimated floating point operations so far (6 × parameters × samples). */
  public double totalFlos() { return totalFlos; }
  /** Every log row so far, each with its {@code step}; read-only. */
  public List<Map<String, Object>> logHistory() { return Collections.unmodifiableList(logHistory); }
  public Optional<Double> bestMetric() { return Optional.ofNullable(bestMetric); }
  public Optional<Integer> bestGlobalStep() { return Optional.ofNullable(bestGlobalStep); }
  public Optional<String> bestModelCheckpoint() { return Optional.ofNullable(bestModelCheckpoint); }
  public boolean isLocalProcessZero() { return isLocalProcessZero; }
  /** Only the world process zero writes logs and files; always true in a single process. */
  public boolean isWorldProcessZero() { return isWorldProcessZero; }
  public boolean isHyperParamSearch() { return isHyperParamSearch; }
  public Optional<String> trialName() { return Optional.ofNullable(trialName); }
  public Map<String, Object> trialParams() { return trialParams == null ? Map.of() : Collections.unmodifiableMap(trialParams); }
  /** Exported state of stateful callbacks, by class name. */
  public Map<String, Object> statefulCallbacks() { return Collections.unmodifiableMap(statefulCallbacks); }

  public void setEpoch(double v) { epoch = v; }
  public void setGlobalStep(int v) { globalStep = v; }
  public void setMaxSteps(int v) { maxSteps = v; }
  public void setLoggingSteps(int v) { loggingSteps = v; }
  public void setEvalSteps(int v) { evalSteps = v; }
  public void setSaveSteps(int v) { saveSteps = v; }
  public void setTrainBatchSize(int v) { trainBatchSize = v; }
  public void setNumTrainEpochs(int v) { numTrainEpochs = v; }
  public void setNumInputTokensSeen(long v) { numInputTokensSeen = v; }
  public void setTotalFlos(double v) { totalFlos = v; }
  public void setBestMetric(double v) { bestMetric = v; }
  public void setBestGlobalStep(int v) { bestGlobalStep = v; }
  public void setBestModelCheckpoint(String v) { bestModelCheckpoint = v; }
  public void setStatefulCallbacks(Map<String, Object> v) { statefulCallbacks = new LinkedHashMap<>(v); }

  /** Appends one row to {@link #logHistory()}. */
  public void appendLog(Map<String, Object> row) {
    logHistory.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
  }

  /** The state as HF's {@code dataclasses.asdict(state)}: HF names, in field order. */
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
    m.put("log_history", logHistory);
    m.put("best_metric", bestMetric);
    m.put("best_global_step", bestGlobalStep);
    m.put("best_model_checkpoint", bestModelCheckpoint);
    m.put("is_local_process_zero", isLocalProcessZero);
    m.put("is_world_process_zero", isWorldProcessZero);
    m.put("is_hyper_param_search", isHyperParamSearch);
    m.put("trial_name", trialName);
    m.put("trial_params", trialParams);
    m.put("stateful_callbacks", statefulCallbacks);
    return m;
  }

  /** The JSON text of {@code trainer_state.json}: sorted keys, two-space indent, trailing newline. */
  public String toJson() {
    return PyJson.dumps(toMap(), true) + "\n";
  }

  /** Writes {@code trainer_state.json} as HF does. */
  public void saveToJson(Path file) {
    try {
      Files.writeString(file, toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trainer state to " + file, e);
    }
  }

  /** Reads a {@code trainer_state.json} written by this class or by HF's Trainer. */
  public static TrainerState loadFromJson(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trainer state from " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON text of a {@code trainer_state.json}. */
  @SuppressWarnings("unchecked")
  public static TrainerState fromJson(String json) {
    if (!(PyJson.loads(json) instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException("a trainer state must be a JSON object");
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    TrainerState s = new TrainerState();
    s.epoch = number(m, "epoch", 0).doubleValue();
    s.globalStep = number(m, "global_step", 0).intValue();
    s.maxSteps = number(m, "max_steps", 0).intValue();
    s.loggingSteps = number(m, "logging_steps", 500).intValue();
    s.evalSteps = number(m, "eval_steps", 500).intValue();
    s.saveSteps = number(m, "save_steps", 500).intValue();
    s.trainBatchSize = m.get("train_batch_size") == null ? null : number(m, "train_batch_size", 0).intValue();
    s.numTrainEpochs = number(m, "num_train_epochs", 0).intValue();
    s.numInputTokensSeen = number(m, "num_input_tokens_seen", 0).longValue();
    s.totalFlos = number(m, "total_flos", 0).doubleValue();
    Object history = m.get("log_history");
    if (history instanceof List<?> rows) {
      for (Object row : rows) {
        if (!(row instanceof Map<?, ?>)) {
          throw new IllegalArgumentException("log_history entries must be JSON objects, got " + row);
        }
        s.logHistory.add(Collections.unmodifiableMap((Map<String, Object>) row));
      }
    }
    s.bestMetric = m.get("best_metric") == null ? null : number(m, "best_metric", 0).doubleValue();
    s.bestGlobalStep = m.get("best_global_step") == null ? null : number(m, "best_global_step", 0).intValue();
    s.bestModelCheckpoint = (String) m.get("best_model_checkpoint");
    s.isLocalProcessZero = !Boolean.FALSE.equals(m.get("is_local_process_zero"));
    s.isWorldProcessZero = !Boolean.FALSE.equals(m.get("is_world_process_zero"));
    s.isHyperParamSearch = Boolean.TRUE.equals(m.get("is_hyper_param_search"));
    s.trialName = (String) m.get("trial_name");
    s.trialParams = (Map<String, Object>) m.get("trial_params");
    if (m.get("stateful_callbacks") instanceof Map<?, ?> callbacks) {
      s.statefulCallbacks = new LinkedHashMap<>((Map<String, Object>) callbacks);
    }
    return s;
  }

  private static Number number(Map<String, Object> m, String key, Number fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(key + " must be a number, got " + v);
    }
    return n;
  }

  @Override
  public String toString() {
    return "TrainerState{epoch=" + epoch + ", global_step=" + globalStep + ", max_steps=" + maxSteps
        + ", log_history=" + logHistory.size() + " rows}";
  }
}
