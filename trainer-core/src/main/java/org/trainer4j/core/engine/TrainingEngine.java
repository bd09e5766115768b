package org.trainer4j.core.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.optim.Optimizer;

/**
 * What the training loop asks of a model, and nothing else: the seam between the one loop of core and
 * whatever computes losses and gradients. The loop owns epochs, accumulation windows, the learning-rate
 * schedule, events, logging, evaluation and save schedules, checkpoint folders and resumes; an engine
 * owns the weights, their gradients and the optimizer's state.
 *
 * <h2>The calls of one optimizer step</h2>
 *
 * <pre>
 * for each micro-batch of the accumulation window:
 *     loss = forwardBackward(data, microBatch)   // adds this micro-batch's gradients, scaled by 1/windowSize
 * norm = clipGradients(max_grad_norm)            // only when max_grad_norm &gt; 0
 * onPreOptimizerStep
 * optimizerStep(learningRate)
 * onOptimizerStep
 * zeroGradients()
 * </pre>
 *
 * Around the run: {@link #prepare} (before training and before each evaluation), {@link
 * #beginTraining} and {@link #endTraining}; at a save {@link #saveWeights} and {@link #saveOptimizer};
 * at a resume {@link #loadWeights} and {@link #loadOptimizer}; {@link #loadWeights} also for {@code
 * load_best_model_at_end}. Evaluation and prediction call {@link #evaluate} once per batch.
 *
 * <h2>Engines</h2>
 *
 * <ul>
 *   <li>{@code DjlEngine} (core): a DJL {@code Model}'s block and a DJL {@code Loss}: the Trainer's own
 *       engine whenever {@code Trainer.builder().model(...)} is given. Any DJL {@code Block} fits,
 *       so a TorchScript module loaded into a DJL block or a native BERT block of {@code
 *       trainer-transformers} trains through it unchanged.
 *   <li>A synthetic engine ({@code trainer-test-kit}): losses and gradient norms from curves, no
 *       arrays at all; {@code CallbackDriver} runs the real loop on it.
 *   <li>Your own: pass it to {@code Trainer.builder().engine(...)}.
 * </ul>
 *
 * <h2>A data-parallel engine (issue 18) as a decorator</h2>
 *
 * A data-parallel worker wraps the engine it would otherwise use (e.g. a {@code DjlEngine}) and changes
 * four calls, leaving the loop as it is:
 *
 * <ul>
 *   <li>{@link #forwardBackward}: run the delegate on this worker's share of {@link
 *       MicroBatch#indices()} (the loop hands every worker the same global batch; worker {@code r} of
 *       {@code w} takes every {@code w}-th index from {@code r}, so no sampler changes). When {@link
 *       MicroBatch#lastOfWindow()} is true, all-reduce the accumulated gradients (sum, then divide by
 *       {@code w}) before returning, as DDP synchronizes only on the last micro-batch of a window. The
 *       returned loss may be the all-reduced mean, so that every worker logs the same number.
 *   <li>{@link #clipGradients}: after the all-reduce every worker holds the same averaged gradients,
 *       so the delegate's norm of its own gradients <em>is</em> the global norm and its clipping is
 *       identical on every worker; nothing more to do. (A sharded engine, whose workers hold different
 *       parameters, would all-reduce the squared norms here instead.) The all-reduce cannot wait for this
 *       call: with {@code max_grad_norm <= 0} the loop does not call it.
 *   <li>{@link #saveWeights} and {@link #saveOptimizer}: write only on process zero ({@link
 *       #isWorldProcessZero()} false elsewhere); the loop then writes the checkpoint's other files only
 *       there too. Loading stays on every worker (each reads the shared folder).
 *   <li>{@link #parameterCount()} and {@link #evaluate}: the delegate's; an evaluation that shards its
 *       batches gathers the outputs before returning them.
 * </ul>
 *
 * <p>Calls come from one thread, the training thread, in the order above. Methods may throw unchecked
 * exceptions; the loop lets them end the run (after {@code endTraining}).
 */
public interface TrainingEngine extends AutoCloseable {

  /**
   * Readies the model for a run over this data, e.g. a DJL block not yet initialized takes its shapes
   * from the first batch. Called before training and before each evaluation; cheap when done already.
   *
   * @param firstBatch the indices of the data's first batch
   * @param seed the seed to draw initial weights with ({@code seed} of the arguments)
   */
  void prepare(TrainerDataset data, int[] firstBatch, int seed);

  /**
   * Starts a {@code train()} call: creates the optimizer named by {@code optim} over the trainable
   * parameters (a new one each call, as HF).
   *
   * @throws UnsupportedOperationException when this engine only evaluates (the message says what to do)
   */
  void beginTraining(TrainingArguments args);

  /** Ends a {@code train()} call: frees the optimizer. Called even when the run failed. */
  void endTraining();

  /** Trainable parameters (scalars), for {@code total_flos}: 6 × parameters × examples per micro-batch. */
  long parameterCount();

  /**
   * Forward, loss and backward of one micro-batch: adds its gradients, scaled by {@code 1 /
   * windowSize}, to those of the window so far.
   *
   * @return the micro-batch's unscaled loss (NaN and infinity are allowed: the loop's loss tracker
   *     handles them)
   */
  float forwardBackward(TrainerDataset data, MicroBatch batch);

  /**
   * Runs a micro-batch forward and through the loss without training: proof that model and data work
   * before anything of an old run is deleted ({@code overwrite_output_dir}).
   */
  void checkForward(TrainerDataset data, MicroBatch batch);

  /**
   * Scales the gradients so that their global L2 norm is at most {@code maxNorm}.
   *
   * @return the norm before clipping (logged as {@code grad_norm})
   */
  double clipGradients(double maxNorm);

  /** Updates the weights from the gradients with this learning rate. */
  void optimizerStep(double learningRate);

  /** Zeroes the gradients for the next window. */
  void zeroGradients();

  /** The optimizer of the current {@code train()} call, shown to callbacks; empty if it has none. */
  Optional<Optimizer> optimizer();

  /** Writes the weights to this file (a checkpoint's {@code model.safetensors}). */
  void saveWeights(Path file) throws IOException;

  /**
   * Reads the weights from this file.
   *
   * @throws IllegalArgumentException when the file does not fit the model
   */
  void loadWeights(Path file) throws IOException;

  /** Writes the optimizer's state into this checkpoint folder. */
  void saveOptimizer(Path checkpoint) throws IOException;

  /**
   * Reads the optimizer's state from this checkpoint folder.
   *
   * @throws IllegalArgumentException naming the file that is damaged or does not fit this run
   */
  void loadOptimizer(Path checkpoint);

  /**
   * Runs one evaluation or prediction batch forward, without gradients.
   *
   * @return the outputs copied to the heap, with the labels and loss when the data has labels
   */
  BatchOutput evaluate(TrainerDataset data, EvalBatch batch);

  /** Whether this process writes checkpoints (false on every data-parallel worker but the first). */
  default boolean isWorldProcessZero() {
    return processIndex() == 0;
  }

  /** HF's {@code is_local_process_zero}: the first worker of its host. */
  default boolean isLocalProcessZero() {
    return localProcessIndex() == 0;
  }

  /**
   * Data-parallel workers training this model together (HF's {@code world_size}): the loop hands every
   * worker batches of {@code per_device_*_batch_size} times this many examples, which each worker shares.
   */
  default int worldSize() {
    return 1;
  }

  /** This worker's place among them, from 0 (HF's {@code process_index}). */
  default int processIndex() {
    return 0;
  }

  /** This worker's place on its host (HF's {@code local_process_index}). */
  default int localProcessIndex() {
    return 0;
  }

  /**
   * The {@code label_smoothing_factor} this engine's loss was smoothed with (0: none). The Trainer refuses an engine
   * of one's own whose factor differs from the arguments', since it cannot smooth that engine's loss itself.
   */
  default double labelSmoothingFactor() {
    return 0;
  }

  /** Frees what the engine holds; the Trainer calls it from {@code close()}. */
  @Override
  void close();
}
