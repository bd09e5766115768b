package org.trainer4j.onnx;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Path;
import java.util.Map;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.Metrics;

/**
 * A fresh JVM that starts ONNX Runtime and DJL's engines in one order, then evaluates an exported model
 * with the Trainer (ONNX Runtime runs the graph, PyTorch holds labels and computes the loss). Prints one
 * line starting with {@code OK} or {@code FAILED}; {@link EngineOrderTest} reads it.
 */
public final class EngineOrderChild {
  private EngineOrderChild() {}

  public static void main(String[] argv) throws Exception {
    String order = argv[0];
    Path model = Path.of(argv[1]);
    try {
      switch (order) {
        case "pytorch-first" -> {
          startPyTorch();
          evaluate(OnnxModel.load(model));
        }
        case "onnx-runtime-first" -> {
          OnnxModel onnx = OnnxModel.load(model);
          startPyTorch();
          evaluate(onnx);
        }
        case "djl-onnx-runtime-engine-after-onnx-model" -> {
          OnnxModel onnx = OnnxModel.load(model);
          String version = Engine.getEngine(OrtRuntime.DJL_ORT_ENGINE).getVersion();
          System.out.println("DJL OnnxRuntime engine " + version);
          evaluate(onnx);
        }
        case "djl-onnx-runtime-engine-after-bare-environment" -> {
          OrtEnvironment.getEnvironment();
          Engine.getEngine(OrtRuntime.DJL_ORT_ENGINE);
          System.out.println("OK DJL's OnnxRuntime engine started after a bare OrtEnvironment");
        }
        default -> throw new IllegalArgumentException("unknown order " + order);
      }
    } catch (Throwable t) {
      Throwable root = t;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.out.println("FAILED " + t + " / " + root);
      System.exit(3);
    }
  }

  private static void startPyTorch() {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.create(new float[] {1, 2}).sum().getFloat();
    }
  }

  private static void evaluate(OnnxModel onnx) {
    TrainingArguments args = TrainingArguments.builder().outputDir(System.getProperty("java.io.tmpdir"))
        .perDeviceEvalBatchSize(16).reportTo("none").disableTqdm(true).build();
    try (Trainer trainer = Trainer.builder().inferenceModel(onnx).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .evalDataset(Blobs.dataset(Blobs.examples(40, 16, 3), 16))
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build()) {
      Map<String, Object> metrics = trainer.evaluate();
      System.out.println("OK engine " + Engine.getInstance().getEngineName() + " eval_loss " + metrics.get("eval_loss"));
    }
  }
}
