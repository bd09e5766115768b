package org.trainer4j.wandb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.wandb.proto.MetricControl;
import org.trainer4j.wandb.proto.MetricOptions;
import org.trainer4j.wandb.proto.MetricRecord;

/**
 * The metric definitions Hugging Face's W&B callback makes: {@code define_metric("train/global_step")}
 * and {@code define_metric("*", step_metric="train/global_step", step_sync=True)}, so that every chart
 * uses {@code train/global_step} as its x axis.
 *
 * <p>In the run config they are the list {@code _wandb.m}, each entry a {@code MetricRecord} keyed by
 * field number ({@code "1"} name, {@code "2"} glob, {@code "5"} 1-based index of the step metric, {@code
 * "6"} the true {@code MetricOptions} fields: 1 step_sync, 3 defined). A server that expands globs itself
 * gets the glob; for others, as the SDK does, each key gets its own entry when it is first logged.
 */
final class MetricDefinitions {
  static final String STEP_METRIC = "train/global_step";
  static final String GLOB = "*";

  private MetricDefinitions() {}

  /** Whether a logged key is matched by the {@code *} glob (W&B never expands {@code _}-keys or the step). */
  static boolean expandsFromGlob(String key) {
    return !key.startsWith("_") && !key.equals(STEP_METRIC);
  }

  /** {@code _wandb.m} for a server that expands globs. */
  static List<Map<String, Object>> configWithGlob() {
    List<Map<String, Object>> m = new ArrayList<>();
    m.add(stepMetricEntry());
    m.add(plottedAgainstStep("2", GLOB));
    return m;
  }

  /** {@code _wandb.m} with one entry per key, for a server that does not expand globs. */
  static List<Map<String, Object>> configExpanded(List<String> keys) {
    List<Map<String, Object>> m = new ArrayList<>();
    m.add(stepMetricEntry());
    for (String key : keys) {
      m.add(plottedAgainstStep("1", key));
    }
    return m;
  }

  /** A name ({@code "1"}) or glob ({@code "2"}) whose step metric is the first entry, with step_sync. */
  private static Map<String, Object> plottedAgainstStep(String field, String name) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(field, name);
    entry.put("5", 1);
    entry.put("6", List.of(1));
    return entry;
  }

  private static Map<String, Object> stepMetricEntry() {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("1", STEP_METRIC);
    step.put("6", List.of(3));
    return step;
  }

  /** The records {@code define_metric} writes into a {@code .wandb} file. */
  static List<MetricRecord> definitionRecords() {
    return List.of(
        MetricRecord.newBuilder()
            .setName(STEP_METRIC)
            .setOptions(MetricOptions.newBuilder().setDefined(true))
            .build(),
        MetricRecord.newBuilder()
            .setGlobName(GLOB)
            .setStepMetric(STEP_METRIC)
            .setOptions(MetricOptions.newBuilder().setStepSync(true).setDefined(true))
            .build());
  }

  /** The record the SDK writes when a new key first matches the glob. */
  static MetricRecord expandedRecord(String key) {
    return MetricRecord.newBuilder()
        .setName(key)
        .setStepMetric(STEP_METRIC)
        .setOptions(MetricOptions.newBuilder().setStepSync(true))
        .setControl(MetricControl.newBuilder().setOverwrite(true))
        .setExpandedFromGlob(true)
        .build();
  }
}
