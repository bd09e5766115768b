package org.trainer4j.transformers.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A TorchScript trace as a trainable DJL block: the batch's arrays are passed to the trace in its argument order,
 * found by their names ({@code input_ids}, ...), and the outputs get the trace's output names ({@code logits}).
 * Its parameters are the trace's, under their PyTorch names ({@code model.bert.embeddings.word_embeddings.weight}),
 * so the Trainer's weight-decay rule matches HF's.
 *
 * <p>Every forward switches PyTorch's graph-executor optimizer off on the calling thread (it is a per-thread
 * setting): with it on, the first evaluation after a training step fails with "Inference tensors cannot be saved
 * for backward". Switching it off changes no value.
 */
public final class TorchScriptBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final PtSymbolBlock trace;
  private final List<String> inputNames;
  private final List<String> outputNames;

  TorchScriptBlock(PtSymbolBlock trace, List<String> inputNames, List<String> outputNames) {
    super(VERSION);
    this.trace = trace;
    this.inputNames = List.copyOf(inputNames);
    this.outputNames = List.copyOf(outputNames);
  }

  /** The trace's arguments, in order. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** The names given to the trace's outputs, in order. */
  public List<String> outputNames() {
    return outputNames;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    JniUtils.setGraphExecutorOptimize(false);
    NDList outputs = trace.forward(ps, ordered(inputs), training, params);
    for (int i = 0; i < outputs.size() && i < outputNames.size(); i++) {
      outputs.get(i).setName(outputNames.get(i));
    }
    return outputs;
  }

  /**
   * The batch's arrays in the trace's argument order: by name when the batch names its arrays, else as given.
   *
   * @throws IllegalArgumentException when a named batch lacks an argument of the trace
   */
  private NDList ordered(NDList inputs) {
    boolean named = inputs.stream().allMatch(a -> a.getName() != null && !a.getName().isEmpty());
    if (!named) {
      if (inputs.size() != inputNames.size()) {
        throw new IllegalArgumentException("the trace takes " + inputNames.size() + " inputs " + inputNames + ", the"
            + " batch has " + inputs.size() + " unnamed arrays; name them as the trace's arguments in the collator");
      }
      return inputs;
    }
    NDList out = new NDList(inputNames.size());
    for (String name : inputNames) {
      NDArray array = inputs.get(name);
      if (array == null) {
        throw new IllegalArgumentException("the trace's argument '" + name + "' is not among the batch's inputs "
            + inputs.stream().map(NDArray::getName).toList() + "; its arguments are " + inputNames);
      }
      out.add(array);
    }
    return out;
  }

  @Override
  public ParameterList getDirectParameters() {
    return trace.getDirectParameters();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return trace.getOutputShapes(inputShapes);
  }
}
