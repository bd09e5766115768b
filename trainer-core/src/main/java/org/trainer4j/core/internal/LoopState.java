package org.trainer4j.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.json.PyJson;

/**
 * What a resumed run needs besides {@code trainer_state.json} to continue exactly: the losses not yet
 * logged, the last step's learning rate and gradient norm (an epoch-end log repeats them), whether the
 * epoch-end events of that step already ran, the seeds, a fingerprint of the epoch's data order and the
 * engine's intra-op thread count. The random state itself needs no saving: the sampler's order is a
 * function of the epoch (the default one of {@code (data_seed, epoch)}) and dropout of {@code (seed,
 * global_step)}, so both repeat on resume; the fingerprint tells when a sampler does not keep to that.
 * A resume with another thread count can differ in the last bits, and is warned about. {@code
 * epochOrder} and {@code intraOpThreads} are null in checkpoints written before they existed (the
 * thread count also when the engine does not say).
 */
record LoopState(Losses losses, int lastLoggedStep, double learningRate, Double gradNorm, boolean epochFinished,
    int seed, int dataSeed, EpochOrder epochOrder, Integer intraOpThreads) {

  /** {@link LossTracker}'s sums. */
  record Losses(double sum, int steps, int nonFinite, double total) {}

  /** The epoch in progress and the hash of its order, to check that a resumed run's sampler gives the same. */
  record EpochOrder(int epoch, int hash) {
    static EpochOrder of(int epoch, int[] order) {
      return new EpochOrder(epoch, Arrays.hashCode(order));
    }
  }

  void write(Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loss_sum", losses.sum());
    m.put("loss_steps", losses.steps());
    m.put("nonfinite_losses", losses.nonFinite());
    m.put("total_loss", losses.total());
    m.put("last_logged_step", lastLoggedStep);
    m.put("learning_rate", learningRate);
    m.put("grad_norm", gradNorm);
    m.put("epoch_finished", epochFinished);
    m.put("seed", seed);
    m.put("data_seed", dataSeed);
    if (epochOrder != null) {
      m.put("epoch_order", Map.of("epoch", epochOrder.epoch(), "hash", epochOrder.hash()));
    }
    m.put("intra_op_threads", intraOpThreads);
    Files.writeString(file, PyJson.dumps(m, true) + "\n");
  }

  static LoopState read(Path file) throws IOException {
    Map<?, ?> m = (Map<?, ?>) PyJson.loads(Files.readString(file));
    Losses losses = new Losses(number(m, "loss_sum").doubleValue(), number(m, "loss_steps").intValue(),
        number(m, "nonfinite_losses").intValue(), number(m, "total_loss").doubleValue());
    EpochOrder order = m.get("epoch_order") instanceof Map<?, ?> o
        ? new EpochOrder(number(o, "epoch").intValue(), number(o, "hash").intValue()) : null;
    return new LoopState(losses, number(m, "last_logged_step").intValue(), number(m, "learning_rate").doubleValue(),
        m.get("grad_norm") == null ? null : number(m, "grad_norm").doubleValue(),
        Boolean.TRUE.equals(m.get("epoch_finished")), number(m, "seed").intValue(), number(m, "data_seed").intValue(),
        order, m.get("intra_op_threads") == null ? null : number(m, "intra_op_threads").intValue());
  }

  private static Number number(Map<?, ?> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalArgumentException("loop_state.json has no number " + key);
    }
    return n;
  }
}
