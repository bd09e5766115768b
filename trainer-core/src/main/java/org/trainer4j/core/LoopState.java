package org.trainer4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.json.PyJson;

/**
 * What a resumed run needs besides {@code trainer_state.json} to continue exactly: the losses not yet
 * logged, the last step's learning rate and gradient norm (an epoch-end log repeats them), whether the
 * epoch-end events of that step already ran, and the seeds. The random state itself needs no saving:
 * data order is drawn from {@code (data_seed, epoch)} and dropout from {@code (seed, global_step)}, so
 * both repeat on resume. The engine's intra-op thread count is kept too (null when unknown): a resume
 * with another count can differ in the last bits, and is warned about.
 */
record LoopState(Losses losses, int lastLoggedStep, double learningRate, Double gradNorm, boolean epochFinished,
    int seed, int dataSeed, Integer intraOpThreads) {

  /** {@link LossTracker}'s sums. */
  record Losses(double sum, int steps, int nonFinite, double total) {}

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
    m.put("intra_op_threads", intraOpThreads);
    Files.writeString(file, PyJson.dumps(m, true) + "\n");
  }

  static LoopState read(Path file) throws IOException {
    Map<?, ?> m = (Map<?, ?>) PyJson.loads(Files.readString(file));
    Losses losses = new Losses(number(m, "loss_sum").doubleValue(), number(m, "loss_steps").intValue(),
        number(m, "nonfinite_losses").intValue(), number(m, "total_loss").doubleValue());
    return new LoopState(losses, number(m, "last_logged_step").intValue(), number(m, "learning_rate").doubleValue(),
        m.get("grad_norm") == null ? null : number(m, "grad_norm").doubleValue(),
        Boolean.TRUE.equals(m.get("epoch_finished")), number(m, "seed").intValue(), number(m, "data_seed").intValue(),
        m.get("intra_op_threads") == null ? null : number(m, "intra_op_threads").intValue());
  }

  private static Number number(Map<?, ?> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalArgumentException("loop_state.json has no number " + key);
    }
    return n;
  }
}
