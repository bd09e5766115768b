package org.trainer4j.transformers.torchscript;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextTokenizer;

class TorchScriptModelTest {
  private static final Path TRACE = TinyBert.dir().resolve("tiny-bert-classifier.pt");

  @TempDir Path tmp;

  @Test
  void passesArraysByNameInTheTracesOrderAndNamesTheOutputs() {
    try (Model model = TorchScriptModel.load(TRACE); TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        NDManager manager = model.getNDManager().newSubManager()) {
      Batch batch = DataCollatorWithPadding.builder(tokenizer).build().collate(java.util.List.of(
          Features.unlabelled(tokenizer.encode("Is it raining?", "Take an umbrella.")),
          Features.unlabelled(tokenizer.encode("The sun came out."))), manager);
      NDList out = model.getBlock().forward(new ParameterStore(manager, false), batch.inputs(), false);
      assertEquals("logits", out.head().getName());
      NDList reversed = new NDList(batch.inputs().get(2), batch.inputs().get(1), batch.inputs().get(0));
      assertArrayEquals(out.head().toFloatArray(),
          model.getBlock().forward(new ParameterStore(manager, false), reversed, false).head().toFloatArray(),
          "named arrays in any order give the same logits");
      NDList missing = new NDList(batch.inputs().get("input_ids"), batch.inputs().get("attention_mask"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.getBlock().forward(new ParameterStore(manager, false), missing, false));
      assertEquals("the trace's argument 'token_type_ids' is not among the batch's inputs [input_ids, attention_mask];"
          + " its arguments are [input_ids, token_type_ids, attention_mask]", e.getMessage());
    }
  }

  @Test
  void aTraceWithoutItsExtraFileNeedsInputNames() throws IOException {
    Path bare = tmp.resolve("bare.pt");
    copyWithout(TRACE, bare, "extra/" + TorchScriptModel.EXTRA_FILE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptModel.load(bare));
    assertTrue(e.getMessage().startsWith(bare + " does not name its inputs"), e.getMessage());
    try (Model model = TorchScriptModel.builder(bare).inputNames("input_ids", "token_type_ids", "attention_mask")
        .outputNames("logits").load()) {
      assertEquals(java.util.List.of("logits"), ((TorchScriptBlock) model.getBlock()).outputNames());
    }
  }

  @Test
  void missingOrCorruptTracesAndTheGraphOptimizerPropertyAreClearErrors() throws IOException {
    assertEquals("no TorchScript model at " + tmp.resolve("model.pt"),
        assertThrows(IllegalArgumentException.class, () -> TorchScriptModel.load(tmp)).getMessage());
    Path garbage = Files.writeString(tmp.resolve("garbage.pt"), "not a zip");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TorchScriptModel.load(garbage)).getMessage()
        .startsWith(garbage + " is not a TorchScript model DJL's PyTorch engine can load: "));
    System.setProperty("ai.djl.pytorch.graph_optimizer", "true");
    try {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> TorchScriptModel.load(TRACE)).getMessage()
          .startsWith("ai.djl.pytorch.graph_optimizer=true is set; TorchScript models cannot be trained with it"));
    } finally {
      System.clearProperty("ai.djl.pytorch.graph_optimizer");
    }
  }

  private static void copyWithout(Path zip, Path target, String suffix) throws IOException {
    try (ZipFile in = new ZipFile(zip.toFile()); OutputStream file = Files.newOutputStream(target);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry : java.util.Collections.list(in.entries())) {
        if (entry.getName().endsWith(suffix)) {
          continue;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setMethod(ZipEntry.STORED);
        byte[] bytes;
        try (InputStream data = in.getInputStream(entry)) {
          bytes = data.readAllBytes();
        }
        copy.setSize(bytes.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        copy.setCrc(crc.getValue());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
  }
}
