package org.trainer4j.transformers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiny BERT test data made by src/test/python/make_tiny_bert.py: an HF folder, its ONNX export, the sentences
 * and PyTorch's reference numbers.
 */
public final class TinyBert {
  private static JsonNode reference;

  private TinyBert() {}

  public static Path dir() {
    try {
      return Path.of(TinyBert.class.getResource("/tiny-bert/reference.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The HF folder: config.json, model.safetensors, tokenizer.json, tokenizer_config.json. */
  public static Path hfFolder() {
    return dir().resolve("hf");
  }

  /** A classifier of this configuration with the tiny model's weights, set as the model's block. */
  public static org.trainer4j.transformers.bert.BertForSequenceClassification pretrainedClassifier(
      ai.djl.Model model, org.trainer4j.transformers.bert.BertConfig config) {
    var block = new org.trainer4j.transformers.bert.BertForSequenceClassification(config);
    model.setBlock(block);
    org.trainer4j.transformers.bert.PretrainedWeights.loadSafetensors(block, model.getNDManager(), hfFolder());
    return block;
  }

  /**
   * Sets the block's {@code classifier} to the formula of the reference scripts (make_token_classification_reference.py,
   * make_problem_type_reference.py): weight[c][h] = 0.01 * ((7c + 3h) % 11 - 5), bias[c] = 0.02 * (c - 1).
   */
  public static void setReferenceClassifier(ai.djl.nn.Block block, ai.djl.ndarray.NDManager manager) {
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
      if (!p.getKey().startsWith("classifier.")) {
        continue;
      }
      NDArray array = p.getValue().getArray();
      long[] shape = array.getShape().getShape();
      float[] values = new float[(int) array.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = shape.length == 2 ? 0.01f * ((7 * (int) (i / shape[1]) + 3 * (int) (i % shape[1])) % 11 - 5)
            : 0.02f * (i - 1);
      }
      try (NDArray view = array.stopGradient()) { // an indexed copy into a detached view, as PretrainedWeights does
        view.set(new ai.djl.ndarray.index.NDIndex("..."), manager.create(values, array.getShape()));
      }
    }
  }

  public static Path onnx() {
    return dir().resolve("tiny-bert.onnx");
  }

  public static Path sentencesJsonl() {
    return dir().resolve("sentences.jsonl");
  }

  public static Path sentencesCsv() {
    return dir().resolve("sentences.csv");
  }

  public static synchronized JsonNode reference() {
    if (reference == null) {
      reference = JsonFiles.readObject(dir().resolve("reference.json"), "reference");
    }
    return reference;
  }

  public static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  /** Every number of a nested JSON array, in row-major order. */
  public static float[] flatFloats(JsonNode array) {
    List<Float> values = new ArrayList<>();
    collect(array, values);
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static void collect(JsonNode node, List<Float> into) {
    if (node.isArray()) {
      node.forEach(child -> collect(child, into));
    } else {
      into.add((float) node.asDouble());
    }
  }

  /** ONNX Runtime's first output of an ONNX BERT export for these inputs (named as the collator names them). */
  public static float[] onnxRuntimeOutput(Path onnx, NDList inputs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
          NDArray a = inputs.get(name);
          feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(a.toLongArray()), a.getShape().getShape()));
        }
        try (OrtSession.Result result = session.run(feed)) {
          FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
          float[] values = new float[out.remaining()];
          out.get(values);
          return values;
        }
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
  }
}
