package org.trainer4j.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves every parameter of a block (trainable ones and running statistics) as {@code model.safetensors}
 * under DJL's parameter names, and loads them back in place.
 */
public final class ModelWeights {
  private ModelWeights() {}

  public static void save(Block block, Path file) throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        arrays.put(p.getKey(), p.getValue().getArray());
      }
    }
    // "pt", as HF writes it: from_pretrained refuses any other format, so a block with HF names (a BERT of
    // trainer-transformers) makes a checkpoint HF loads without writing its weights a second time.
    Safetensors.write(file, arrays, Map.of("format", "pt"));
  }

  /**
   * Copies the tensors of {@code file} into the block's parameters (the same arrays, so an optimizer
   * holding them keeps working).
   *
   * @throws IllegalArgumentException when names or shapes differ from the block's
   */
  public static void load(Block block, Path file) throws IOException {
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
    List<String> missing = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getValue().isInitialized()) {
        continue;
      }
      Safetensors.Tensor tensor = tensors.get(p.getKey());
      if (tensor == null) {
        missing.add(p.getKey());
        continue;
      }
      NDArray target = p.getValue().getArray();
      if (!target.getShape().equals(tensor.shape()) || target.getDataType() != tensor.dataType()) {
        throw new IllegalArgumentException(file + ": parameter " + p.getKey() + " has shape " + tensor.shape()
            + " (" + tensor.dataType() + ") but the model's is " + target.getShape() + " ("
            + target.getDataType() + "); the checkpoint belongs to another model");
      }
      try (NDManager scratch = target.getManager().newSubManager(); NDArray weight = target.stopGradient()) {
        NDArray loaded = tensor.toArray(scratch);
        // An indexed copy, not set(Buffer): that makes the tensor use a Java direct buffer kept alive only by
        // the wrapper it was called on (freed memory once that wrapper is collected), and PyTorch warns. Into
        // a detached view (the same storage), as autograd refuses in-place writes to a weight on a thread
        // where DJL has not turned it off.
        weight.set(new NDIndex("..."), loaded);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + " has no tensor for the model's parameters " + missing
          + "; it holds " + Arrays.toString(tensors.keySet().toArray()));
    }
  }
}
