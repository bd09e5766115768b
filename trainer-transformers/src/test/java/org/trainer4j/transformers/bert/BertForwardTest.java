package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextTokenizer;

/** The native block against PyTorch's BertModel / BertForSequenceClassification on the same weights and texts. */
class BertForwardTest {
  /** float32 rounding through two layers; a wrong op (tanh GELU, a swapped LayerNorm, a missed mask) is >= 1e-3. */
  private static final float TOLERANCE = 2e-6f;

  @Test
  void hiddenStatesPoolerMeanPoolingAndLogitsMatchPyTorch() {
    JsonNode ref = TinyBert.reference().path("forward");
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (Model model = Model.newInstance("tiny-bert"); NDManager manager = model.getNDManager().newSubManager()) {
      Batch batch = referenceBatch(ref, manager);
      assertArrayEquals(TinyBert.longs(flat(ref.path("input_ids"))), batch.inputs().get("input_ids").toLongArray());
      assertArrayEquals(TinyBert.longs(flat(ref.path("token_type_ids"))),
          batch.inputs().get("token_type_ids").toLongArray());

      BertModel encoder = new BertModel(config, Pooling.CLS_POOLER);
      PretrainedWeights.LoadReport report = PretrainedWeights.loadSafetensors(encoder, model.getNDManager(),
          TinyBert.hfFolder());
      assertEquals(List.of(), report.newlyInitialized());
      assertEquals(java.util.Set.of("classifier.weight", "classifier.bias"), java.util.Set.copyOf(report.unused()));
      NDList out = encoder.forward(new ParameterStore(manager, false), batch.inputs(), false);
      assertClose(ref.path("last_hidden_state"), out.get(0).toFloatArray(), "last_hidden_state");
      assertClose(ref.path("pooler_output"), out.get(1).toFloatArray(), "pooler_output");

      BertModel mean = new BertModel(config, Pooling.MEAN);
      PretrainedWeights.loadSafetensors(mean, model.getNDManager(), TinyBert.hfFolder());
      assertClose(ref.path("mean_pooled"), mean.forward(new ParameterStore(manager, false), batch.inputs(), false)
          .get(1).toFloatArray(), "mean pooling");

      BertForSequenceClassification classifier = new BertForSequenceClassification(config);
      report = PretrainedWeights.loadSafetensors(classifier, model.getNDManager(), TinyBert.hfFolder());
      assertEquals(List.of(), report.unused());
      assertEquals(41, report.loaded().size());
      NDList logits = classifier.forward(new ParameterStore(manager, false), batch.inputs(), false);
      assertEquals("logits", logits.head().getName());
      assertClose(ref.path("logits"), logits.head().toFloatArray(), "logits");
    }
  }

  @Test
  void parametersCarryHfNamesSoTheTrainerDecaysWhatHfDecays() {
    BertForSequenceClassification block = new BertForSequenceClassification(BertConfig.load(TinyBert.hfFolder()));
    try (NDManager manager = NDManager.newBaseManager()) {
      block.initialize(manager);
      List<String> names = new ArrayList<>();
      block.getParameters().forEach(p -> names.add(p.getKey()));
      assertEquals("bert.embeddings.word_embeddings.weight", names.get(0));
      assertTrue(names.contains("bert.encoder.layer.1.attention.output.LayerNorm.bias"));
      assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"),
          names.subList(names.size() - 4, names.size()));
      List<String> decayed = org.trainer4j.core.optim.Optimizers.trainableParameters(block).stream()
          .filter(org.trainer4j.core.optim.NamedParameter::decay).map(org.trainer4j.core.optim.NamedParameter::name)
          .toList();
      // HF's get_decay_parameter_names for this model, from transformers 5.18:
      List<String> hf = new ArrayList<>(List.of("bert.embeddings.word_embeddings.weight",
          "bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight"));
      for (int i = 0; i < 2; i++) {
        for (String d : List.of("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense")) {
          hf.add("bert.encoder.layer." + i + "." + d + ".weight");
        }
      }
      hf.addAll(List.of("bert.pooler.dense.weight", "classifier.weight"));
      assertEquals(hf, decayed);
    }
  }

  static Batch referenceBatch(JsonNode ref, NDManager manager) {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      List<Features> features = new ArrayList<>();
      for (JsonNode texts : ref.path("texts")) {
        features.add(Features.unlabelled(texts.size() == 2 ? tokenizer.encode(texts.get(0).asText(), texts.get(1).asText())
            : tokenizer.encode(texts.get(0).asText())));
      }
      return DataCollatorWithPadding.builder(tokenizer).build().collate(features, manager);
    }
  }

  static JsonNode flat(JsonNode rows) {
    com.fasterxml.jackson.databind.node.ArrayNode out = org.trainer4j.transformers.JsonFiles.mapper().createArrayNode();
    rows.forEach(r -> r.forEach(out::add));
    return out;
  }

  private static void assertClose(JsonNode expected, float[] actual, String what) {
    assertArrayEquals(TinyBert.flatFloats(expected), actual, TOLERANCE, what + " against PyTorch's");
  }
}
