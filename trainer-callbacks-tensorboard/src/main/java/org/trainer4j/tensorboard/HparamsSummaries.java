package org.trainer4j.tensorboard;

import com.google.protobuf.Value;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.tensorboard.proto.DataType;
import org.trainer4j.tensorboard.proto.TensorProto;
import org.trainer4j.tensorboard.proto.TensorShapeProto;
import org.trainer4j.tensorboard.proto.hparams.Experiment;
import org.trainer4j.tensorboard.proto.hparams.HParamInfo;
import org.trainer4j.tensorboard.proto.hparams.HParamsPluginData;
import org.trainer4j.tensorboard.proto.hparams.MetricInfo;
import org.trainer4j.tensorboard.proto.hparams.MetricName;
import org.trainer4j.tensorboard.proto.hparams.SessionEndInfo;
import org.trainer4j.tensorboard.proto.hparams.SessionStartInfo;
import org.trainer4j.tensorboard.proto.hparams.Status;

/**
 * The three summaries the HParams dashboard reads from a run: the experiment (its columns: one per
 * hyperparameter and one per metric tag), the session start (this run's values) and the session end.
 */
final class HparamsSummaries {
  static final String EXPERIMENT_TAG = "_hparams_/experiment";
  static final String SESSION_START_TAG = "_hparams_/session_start_info";
  static final String SESSION_END_TAG = "_hparams_/session_end_info";

  /** The smallest valid tensor (a length-0 float vector): these summaries carry only metadata. */
  static final TensorProto NULL_TENSOR = TensorProto.newBuilder()
      .setDtype(DataType.DT_FLOAT)
      .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(0)))
      .build();

  private HparamsSummaries() {}

  /**
   * The plugin data by tag, in writing order.
   *
   * @param hparams values that are {@link Double}, {@link Boolean} or {@link String}
   * @param metricTags scalar tags of this run to show as metric columns
   */
  static Map<String, HParamsPluginData> of(Map<String, Object> hparams, Collection<String> metricTags,
      double startTimeSecs, double endTimeSecs) {
    Experiment.Builder experiment = Experiment.newBuilder().setTimeCreatedSecs(startTimeSecs);
    SessionStartInfo.Builder start = SessionStartInfo.newBuilder().setStartTimeSecs(startTimeSecs);
    for (Map.Entry<String, Object> e : hparams.entrySet()) {
      Object v = e.getValue();
      HParamInfo.Builder info = HParamInfo.newBuilder().setName(e.getKey());
      Value.Builder value = Value.newBuilder();
      if (v instanceof Double d) {
        info.setType(org.trainer4j.tensorboard.proto.hparams.DataType.DATA_TYPE_FLOAT64);
        value.setNumberValue(d);
      } else if (v instanceof Boolean b) {
        info.setType(org.trainer4j.tensorboard.proto.hparams.DataType.DATA_TYPE_BOOL);
        value.setBoolValue(b);
      } else {
        info.setType(org.trainer4j.tensorboard.proto.hparams.DataType.DATA_TYPE_STRING);
        value.setStringValue(v.toString());
      }
      experiment.addHparamInfos(info);
      start.putHparams(e.getKey(), value.build());
    }
    for (String tag : metricTags) {
      experiment.addMetricInfos(MetricInfo.newBuilder().setName(MetricName.newBuilder().setGroup("").setTag(tag)));
    }
    Map<String, HParamsPluginData> out = new LinkedHashMap<>();
    out.put(EXPERIMENT_TAG, HParamsPluginData.newBuilder().setExperiment(experiment).build());
    out.put(SESSION_START_TAG, HParamsPluginData.newBuilder().setSessionStartInfo(start).build());
    out.put(SESSION_END_TAG, HParamsPluginData.newBuilder()
        .setSessionEndInfo(SessionEndInfo.newBuilder().setStatus(Status.STATUS_SUCCESS).setEndTimeSecs(endTimeSecs))
        .build());
    return out;
  }
}
