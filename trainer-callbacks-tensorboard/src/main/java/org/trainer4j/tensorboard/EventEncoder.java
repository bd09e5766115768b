package org.trainer4j.tensorboard;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.tensorboard.proto.DataType;
import org.trainer4j.tensorboard.proto.Event;
import org.trainer4j.tensorboard.proto.HistogramProto;
import org.trainer4j.tensorboard.proto.SessionLog;
import org.trainer4j.tensorboard.proto.Summary;
import org.trainer4j.tensorboard.proto.TensorProto;
import org.trainer4j.tensorboard.proto.TensorShapeProto;
import org.trainer4j.tensorboard.proto.hparams.HParamsPluginData;

/**
 * Turns handed-over values into events, enforcing the rules TensorBoard relies on: a tag's first
 * value carries its plugin metadata, a tag keeps one plugin, and a tag's steps strictly increase.
 * TensorBoard's two loaders disagree on a step that goes back (the Rust loader drops the tag's points
 * read before at or after that step; the Python loader keeps both and draws the curve backwards), so
 * a value whose step does not increase is dropped here instead, with one warning per tag. Runs on
 * the writer thread only. The value builders return null for a dropped value.
 */
final class EventEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(EventEncoder.class);
  private static final TensorShapeProto RANK_0 = TensorShapeProto.getDefaultInstance();

  /** Where encoded events go. */
  @FunctionalInterface
  interface Sink {
    void append(Event event) throws IOException;
  }

  private static final class TagState {
    final Plugin plugin;
    long lastStep;
    boolean warned;

    TagState(Plugin plugin, long step) {
      this.plugin = plugin;
      this.lastStep = step;
    }
  }

  /** What the tag rules say about one value. */
  private enum Admission { FIRST, NEXT, DROP }

  private final Map<String, TagState> tags = new HashMap<>();
  private long highestStep;
  private long droppedValues;

  /** Values dropped because their step did not increase or their tag belongs to another plugin. */
  long droppedValues() {
    return droppedValues;
  }

  /** Encodes one handed-over item. */
  void encode(Pending item, Sink out) throws IOException {
    if (item instanceof Pending.Scalar s) {
      appendIfAny(out, s.step(), s.wallTime(), scalar(s.tag(), s.value(), s.step()));
    } else if (item instanceof Pending.Scalars s) {
      Summary.Builder summary = Summary.newBuilder();
      for (int i = 0; i < s.tags().length; i++) {
        Summary.Value v = scalar(s.tags()[i], s.values()[i], s.step());
        if (v != null) {
          summary.addValue(v);
        }
      }
      if (summary.getValueCount() > 0) {
        out.append(event(s.step(), s.wallTime(), summary));
      }
    } else if (item instanceof Pending.Text t) {
      appendIfAny(out, t.step(), t.wallTime(), text(t.tag(), t.text(), t.step()));
    } else if (item instanceof Pending.Histogram h) {
      appendIfAny(out, h.step(), h.wallTime(),
          histogram(h.tag(), Histograms.of(h.values(), Histograms.DEFAULT_BUCKETS), h.step()));
    } else if (item instanceof Pending.Hparams h) {
      hparams(h, out);
    } else if (item instanceof Pending.SessionStart s) {
      sessionStart(s, out);
    } else {
      throw new IllegalStateException("not a value: " + item);
    }
  }

  private static void appendIfAny(Sink out, long step, double wallTime, Summary.Value value) throws IOException {
    if (value != null) {
      out.append(event(step, wallTime, Summary.newBuilder().addValue(value)));
    }
  }

  /**
   * Writes the START event. The tags' steps are left alone: whether TensorBoard purges on it depends
   * on the other files of the folder, so within this file steps must still increase.
   */
  private static void sessionStart(Pending.SessionStart s, Sink out) throws IOException {
    out.append(Event.newBuilder()
        .setStep(s.step())
        .setWallTime(s.wallTime())
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START))
        .build());
  }

  private void hparams(Pending.Hparams h, Sink out) throws IOException {
    if (tags.containsKey(HparamsSummaries.SESSION_START_TAG)) {
      droppedValues++;
      LOG.warn("TensorBoard: an hparams session was already written to this run; this one is dropped"
          + " (the HParams dashboard shows one session per run folder)");
      return;
    }
    // Each tag once per file, at step 0 as other writers do.
    for (Map.Entry<String, HParamsPluginData> e
        : HparamsSummaries.of(h.hparams(), h.metrics().keySet(), h.startTime(), h.wallTime()).entrySet()) {
      if (admit(e.getKey(), Plugin.HPARAMS, 0) == Admission.DROP) {
        continue;
      }
      Summary.Value v = Summary.Value.newBuilder()
          .setTag(e.getKey())
          .setMetadata(Plugin.HPARAMS.metadata().toBuilder()
              .setPluginData(Plugin.HPARAMS.metadata().getPluginData().toBuilder()
                  .setContent(e.getValue().toByteString())))
          .setTensor(HparamsSummaries.NULL_TENSOR)
          .build();
      out.append(event(0, h.wallTime(), Summary.newBuilder().addValue(v)));
    }
    // A metric already logged keeps its points (the dashboard shows the last one); a new one is
    // written at the last step of the run.
    Summary.Builder metrics = Summary.newBuilder();
    for (Map.Entry<String, Float> m : h.metrics().entrySet()) {
      if (!tags.containsKey(m.getKey())) {
        Summary.Value v = scalar(m.getKey(), m.getValue(), highestStep);
        if (v != null) {
          metrics.addValue(v);
        }
      }
    }
    if (metrics.getValueCount() > 0) {
      out.append(event(highestStep, h.wallTime(), metrics));
    }
  }

  private Summary.Value scalar(String tag, float value, long step) {
    return tensorValue(tag, Plugin.SCALARS, step, TensorProto.newBuilder()
        .setDtype(DataType.DT_FLOAT)
        .setTensorShape(RANK_0)
        .addFloatVal(value));
  }

  private Summary.Value text(String tag, String text, long step) {
    return tensorValue(tag, Plugin.TEXT, step, TensorProto.newBuilder()
        .setDtype(DataType.DT_STRING)
        .setTensorShape(RANK_0)
        .addStringVal(ByteString.copyFrom(text, StandardCharsets.UTF_8)));
  }

  private Summary.Value tensorValue(String tag, Plugin plugin, long step, TensorProto.Builder tensor) {
    Admission admission = admit(tag, plugin, step);
    if (admission == Admission.DROP) {
      return null;
    }
    return withMetadata(Summary.Value.newBuilder().setTag(tag).setTensor(tensor), plugin, admission == Admission.FIRST);
  }

  private Summary.Value histogram(String tag, HistogramProto histogram, long step) {
    Admission admission = admit(tag, Plugin.HISTOGRAMS, step);
    if (admission == Admission.DROP) {
      return null;
    }
    return withMetadata(Summary.Value.newBuilder().setTag(tag).setHisto(histogram), Plugin.HISTOGRAMS, admission == Admission.FIRST);
  }

  private static Summary.Value withMetadata(Summary.Value.Builder value, Plugin plugin, boolean first) {
    if (first) {
      value.setMetadata(plugin.metadata());
    }
    return value.build();
  }

  /** Checks a value against its tag's history, and records it when it is admitted. */
  private Admission admit(String tag, Plugin plugin, long step) {
    TagState state = tags.get(tag);
    if (state == null) {
      tags.put(tag, new TagState(plugin, step));
      highestStep = Math.max(highestStep, step);
      return Admission.FIRST;
    }
    if (state.plugin != plugin) {
      drop(state, "TensorBoard tag '{}' holds {} values; a {} value for it was dropped (further ones"
          + " are dropped silently)", tag, state.plugin.pluginName(), plugin.pluginName());
      return Admission.DROP;
    }
    if (step <= state.lastStep) {
      drop(state, "TensorBoard tag '{}' already has a value at step {}; the value for step {} was dropped,"
          + " because TensorBoard would either hide the tag's points from that step on or draw its curve"
          + " backwards (further ones are dropped silently)", tag, state.lastStep, step);
      return Admission.DROP;
    }
    state.lastStep = step;
    highestStep = Math.max(highestStep, step);
    return Admission.NEXT;
  }

  private void drop(TagState state, String message, Object... args) {
    droppedValues++;
    if (!state.warned) {
      state.warned = true;
      LOG.warn(message, args);
    }
  }

  private static Event event(long step, double wallTime, Summary.Builder summary) {
    return Event.newBuilder().setStep(step).setWallTime(wallTime).setSummary(summary).build();
  }
}
