package org.trainer4j.distributed;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.engine.BatchOutput;
import org.trainer4j.core.engine.ComputeLoss;
import org.trainer4j.core.engine.DjlEngine;
import org.trainer4j.core.engine.EvalBatch;
import org.trainer4j.core.engine.MicroBatch;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.optim.NamedParameter;
import org.trainer4j.core.optim.Optimizer;
import org.trainer4j.core.optim.Optimizers;

/**
 * HF's DDP as an engine decorator: every worker holds a replica of one DJL model; the loop hands each
 * the same global batch ({@code per_device_train_batch_size} × {@code world_size} examples), each runs
 * its {@link DistributedSampler} share of it through the wrapped engine, and after the last micro-batch
 * of an accumulation window the gradients of all parameters are averaged across the workers in one
 * all-reduce, so that every replica applies the same update. The loss returned (and logged) is the mean
 * over the workers. Clipping needs nothing more: after the all-reduce the wrapped engine's norm is the
 * global norm. Weights are made equal at the start (process zero's are sent to all), checkpoints are
 * written by process zero only (the loop asks {@link #isWorldProcessZero()}), and every worker waits
 * for the others before loading one. Evaluation batches are shared the same way and their outputs
 * gathered in batch order, so every worker computes the same metrics.
 */
public final class DataParallelEngine implements TrainingEngine {
  private final TrainingEngine delegate;
  private final Model model;
  private final Collective collective;
  private final int localRank;
  private List<NamedParameter> parameters = List.of();
  private ByteBuffer gradients;
  private boolean weightsShared;
  private long exchangeNanos;

  /**
   * @param delegate the engine of this worker's replica (a {@link DjlEngine} of {@code model})
   * @param model the replica, whose parameters are exchanged
   * @param collective the group of workers
   * @param localRank this worker's place on its host ({@code LOCAL_RANK})
   */
  public DataParallelEngine(TrainingEngine delegate, Model model, Collective collective, int localRank) {
    this.delegate = delegate;
    this.model = model;
    this.collective = collective;
    this.localRank = localRank;
  }

  /**
   * The data-parallel engine of a DJL model and loss, as {@code Trainer.builder().model(...).loss(...)} makes it
   * ({@link DjlEngine#of}: {@code label_names}, {@code label_smoothing_factor}).
   */
  public static DataParallelEngine of(Model model, Loss loss, TrainingArguments args, Collective collective,
      int localRank) {
    return new DataParallelEngine(DjlEngine.of(model, loss, args), model, collective, localRank);
  }

  /** The data-parallel engine of a DJL model and a {@code compute_loss} function (HF's override). */
  public static DataParallelEngine of(Model model, ComputeLoss computeLoss, TrainingArguments args,
      Collective collective, int localRank) {
    return new DataParallelEngine(new DjlEngine(model, computeLoss, args.labelNames()), model, collective, localRank);
  }

  @Override
  public double labelSmoothingFactor() {
    return delegate.labelSmoothingFactor();
  }

  @Override
  public int worldSize() {
    return collective.worldSize();
  }

  @Override
  public int processIndex() {
    return collective.rank();
  }

  @Override
  public int localProcessIndex() {
    return localRank;
  }

  /** Readies the replica, then gives every worker process zero's initial weights (DDP's broadcast). */
  @Override
  public void prepare(TrainerDataset data, int[] firstBatch, int seed) {
    delegate.prepare(data, firstBatch, seed);
    if (!weightsShared && model.getBlock().isInitialized()) {
      broadcastWeights();
      weightsShared = true;
    }
  }

  @Override
  public void beginTraining(TrainingArguments args) {
    delegate.beginTraining(args);
    parameters = Optimizers.trainableParameters(model.getBlock());
    gradients = null;
  }

  @Override
  public void endTraining() {
    delegate.endTraining();
  }

  @Override
  public long parameterCount() {
    return delegate.parameterCount();
  }

  @Override
  public float forwardBackward(TrainerDataset data, MicroBatch micro) {
    float loss = delegate.forwardBackward(data, share(micro));
    if (micro.lastOfWindow()) {
      averageGradients();
    }
    return (float) (collective.allReduceSum(loss)[0] / worldSize());
  }

  @Override
  public void checkForward(TrainerDataset data, MicroBatch micro) {
    delegate.checkForward(data, share(micro));
  }

  private MicroBatch share(MicroBatch micro) {
    int[] mine = DistributedSampler.shard(micro.indices(), worldSize(), processIndex(), false);
    return new MicroBatch(mine, micro.windowSize(), micro.microIndex(), micro.seed(), micro.globalStep(),
        micro.epoch(), micro.batch());
  }

  @Override
  public double clipGradients(double maxNorm) {
    return delegate.clipGradients(maxNorm);
  }

  @Override
  public void optimizerStep(double learningRate) {
    delegate.optimizerStep(learningRate);
  }

  @Override
  public void zeroGradients() {
    delegate.zeroGradients();
  }

  @Override
  public Optional<Optimizer> optimizer() {
    return delegate.optimizer();
  }

  @Override
  public void saveWeights(Path file) throws IOException {
    delegate.saveWeights(file);
  }

  /** Waits until every worker is here: process zero has finished the checkpoint it may have just written. */
  @Override
  public void loadWeights(Path file) throws IOException {
    collective.barrier();
    delegate.loadWeights(file);
  }

  @Override
  public void saveOptimizer(Path checkpoint) throws IOException {
    delegate.saveOptimizer(checkpoint);
  }

  @Override
  public void loadOptimizer(Path checkpoint) {
    collective.barrier();
    delegate.loadOptimizer(checkpoint);
  }

  @Override
  public BatchOutput evaluate(TrainerDataset data, EvalBatch request) {
    int[] all = request.indices();
    int[] mine = stride(all, processIndex(), worldSize());
    BatchOutput own = mine.length == 0 ? null : delegate.evaluate(data,
        new EvalBatch(mine, request.batch(), request.labelNames(), request.ignoreKeys(), request.keepInputs()));
    return new EvalGather(collective).gather(own, all.length);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Positions r, r + w, r + 2w, ... of a batch: an evaluation share, never padded. */
  static int[] stride(int[] indices, int rank, int worldSize) {
    int count = Math.max(0, (indices.length - rank + worldSize - 1) / worldSize);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = indices[rank + i * worldSize];
    }
    return out;
  }

  /**
   * Seconds this worker has spent averaging gradients so far: packing, the all-reduce (which includes
   * waiting for the slowest worker) and copying back.
   */
  public double exchangeSeconds() {
    return exchangeNanos / 1e9;
  }

  private void averageGradients() {
    if (worldSize() == 1) {
      return; // the mean over one worker is its own gradients
    }
    long start = System.nanoTime();
    List<NDArray> arrays = new ArrayList<>(parameters.size());
    for (NamedParameter p : parameters) {
      arrays.add(p.array());
    }
    gradients = exchange(arrays, gradients, true, buffer -> collective.allReduceMean(buffer));
    exchangeNanos += System.nanoTime() - start;
  }

  /** Process zero's weights everywhere: a sum in which every other worker adds zeros, so exact. */
  private void broadcastWeights() {
    List<NDArray> arrays = new ArrayList<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      arrays.add(p.getValue().getArray());
    }
    boolean zero = isWorldProcessZero();
    exchange(arrays, null, false, buffer -> {
      if (!zero) {
        for (int i = 0; i < buffer.limit(); i++) {
          buffer.put(i, (byte) 0);
        }
      }
      collective.allReduceSum(buffer);
    });
  }

  /**
   * Packs the arrays (or their gradients) into one direct buffer, runs the exchange on it, and copies
   * the results back in place (an indexed copy, so no array is left pointing at the buffer).
   */
  private ByteBuffer exchange(List<NDArray> arrays, ByteBuffer reuse, boolean ofGradients,
      java.util.function.Consumer<ByteBuffer> operation) {
    long floats = 0;
    for (NDArray a : arrays) {
      floats += a.size();
    }
    if (floats * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalStateException("the model's " + floats + " parameters exceed one exchange (2 GB)");
    }
    ByteBuffer buffer = reuse != null && reuse.capacity() == floats * Float.BYTES ? reuse
        : ByteBuffer.allocateDirect((int) floats * Float.BYTES).order(ByteOrder.nativeOrder());
    buffer.clear();
    for (NDArray a : arrays) {
      try (NDArray source = ofGradients ? a.getGradient() : null) {
        buffer.put((source != null ? source : a).toByteBuffer());
      }
    }
    buffer.flip();
    operation.accept(buffer);
    try (NDManager temporary = model.getNDManager().newSubManager()) {
      int offset = 0;
      for (NDArray a : arrays) {
        int bytes = (int) a.size() * Float.BYTES;
        ByteBuffer slice = buffer.slice(offset, bytes).order(ByteOrder.nativeOrder());
        NDArray result = temporary.create(slice.asFloatBuffer(), a.getShape());
        // A parameter is written through a detached view (PyTorch's detach(): the same storage), as
        // autograd refuses in-place writes to it on a thread where DJL has not turned autograd off.
        try (NDArray target = ofGradients ? a.getGradient() : a.stopGradient()) {
          target.set(new NDIndex("..."), result);
        }
        offset += bytes;
      }
    }
    return buffer;
  }
}
