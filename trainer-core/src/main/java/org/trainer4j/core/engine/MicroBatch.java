package org.trainer4j.core.engine;

/**
 * One micro-batch of an optimizer step, as the loop hands it to {@link TrainingEngine#forwardBackward}.
 *
 * @param indices the examples, in the order the sampler gave them
 * @param windowSize micro-batches in this accumulation window (the loss is scaled by its inverse)
 * @param microIndex this micro-batch's place in the window, from 0
 * @param seed the seed for this micro-batch's random draws (dropout): a function of {@code seed}, the
 *     global step and {@code microIndex}, so a resumed run repeats the draws of an uninterrupted one
 * @param globalStep optimizer steps completed before this micro-batch
 * @param epoch the epoch, for messages
 * @param batch the batch's index in its epoch, for messages
 */
public record MicroBatch(int[] indices, int windowSize, int microIndex, int seed, int globalStep, int epoch,
    int batch) {

  /** Whether this is the window's last micro-batch, after which the optimizer steps. */
  public boolean lastOfWindow() {
    return microIndex == windowSize - 1;
  }
}
