package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;

/** Weights mapped from an ONNX export through its graph, checked against ONNX Runtime on the same file. */
class OnnxWeightsTest {
  @Test
  void lastHiddenStateEqualsOnnxRuntimesOnTheSameFile() throws Exception {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (Model model = Model.newInstance("tiny-bert"); NDManager manager = model.getNDManager().newSubManager()) {
      BertModel block = new BertModel(config, Pooling.MEAN);
      PretrainedWeights.LoadReport report = PretrainedWeights.loadOnnx(block, model.getNDManager(), TinyBert.onnx());
      assertEquals(List.of(), report.newlyInitialized());
      assertEquals(37, report.loaded().size());

      Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager);
      float[] djl = block.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
      assertArrayEquals(TinyBert.onnxRuntimeOutput(TinyBert.onnx(), batch.inputs()), djl, 1e-4f,
          "last_hidden_state against ONNX Runtime's");
    }
  }

  @Test
  void mapsEveryInitializerToTheSameValuesAsTheHfCheckpoint() {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (NDManager manager = NDManager.newBaseManager()) {
      BertModel fromOnnx = new BertModel(config, Pooling.CLS_POOLER);
      PretrainedWeights.LoadReport report = PretrainedWeights.loadOnnx(fromOnnx, manager, TinyBert.onnx());
      assertEquals(List.of("pooler.dense.weight", "pooler.dense.bias"), report.newlyInitialized(),
          "the export drops the pooler: its output is not a graph output");
      BertModel fromHf = new BertModel(config, Pooling.CLS_POOLER);
      PretrainedWeights.loadSafetensors(fromHf, manager, TinyBert.hfFolder());
      Map<String, NDArray> hf = new LinkedHashMap<>();
      fromHf.getParameters().forEach(p -> hf.put(p.getKey(), p.getValue().getArray()));
      for (var p : fromOnnx.getParameters()) {
        if (!p.getKey().startsWith("pooler.")) {
          assertArrayEquals(hf.get(p.getKey()).toFloatArray(), p.getValue().getArray().toFloatArray(), p.getKey());
        }
      }
    }
  }

  /**
   * PyTorch's autograd switch is per thread and DJL turns it off only on the thread that started the engine: on
   * any other (a Spark task's, a server's request thread) an in-place write into a weight is refused.
   */
  @Test
  void loadsOnAThreadOtherThanTheEnginesFirst() throws Exception {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    NDManager.newBaseManager().close(); // the engine starts on this thread
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    float[][] loaded = new float[1][];
    Thread other = new Thread(() -> {
      try (NDManager manager = NDManager.newBaseManager()) {
        BertModel model = new BertModel(config, Pooling.CLS_POOLER);
        PretrainedWeights.loadSafetensors(model, manager, TinyBert.hfFolder());
        loaded[0] = model.getParameters().get("embeddings.word_embeddings.weight").getArray().toFloatArray();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    other.start();
    other.join();
    assertEquals(null, failure.get(), "loading on another thread failed");
    try (NDManager manager = NDManager.newBaseManager()) {
      BertModel model = new BertModel(config, Pooling.CLS_POOLER);
      PretrainedWeights.loadSafetensors(model, manager, TinyBert.hfFolder());
      assertArrayEquals(model.getParameters().get("embeddings.word_embeddings.weight").getArray().toFloatArray(),
          loaded[0]);
    }
  }

  @Test
  void infersTheConfigurationFromTheExportGivenTheNumberOfHeads() {
    BertConfig fromHf = BertConfig.load(TinyBert.hfFolder());
    BertConfig fromOnnx = BertConfig.fromOnnx(TinyBert.onnx(), fromHf.numAttentionHeads());
    assertEquals(List.of(fromHf.vocabSize(), fromHf.hiddenSize(), fromHf.numHiddenLayers(), fromHf.intermediateSize(),
        fromHf.maxPositionEmbeddings(), fromHf.typeVocabSize(), fromHf.numAttentionHeads()),
        List.of(fromOnnx.vocabSize(), fromOnnx.hiddenSize(), fromOnnx.numHiddenLayers(), fromOnnx.intermediateSize(),
            fromOnnx.maxPositionEmbeddings(), fromOnnx.typeVocabSize(), fromOnnx.numAttentionHeads()));
    assertEquals(1e-12, fromOnnx.layerNormEps(), "HF's default");
  }
}
