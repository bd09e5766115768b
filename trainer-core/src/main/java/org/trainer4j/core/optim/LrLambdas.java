package org.trainer4j.core.optim;

/**
 * The learning-rate multipliers of HF's {@code transformers/optimization.py}, one per schedule, as
 * functions of the number of optimizer steps taken. Each states the formula of the HF function named
 * in its comment, with the same floating-point operations, so that rates match HF's to the last bit
 * in most cases.
 */
final class LrLambdas {
  private LrLambdas() {}

  /** The linear warmup every schedule starts with: {@code step / max(1, warmup)}. */
  static double warmup(int step, int warmup) {
    return (double) step / Math.max(1, warmup);
  }

  /** HF {@code _get_linear_schedule_with_warmup_lr_lambda}. */
  static double linear(int step, int warmup, int total) {
    if (step < warmup) {
      return warmup(step, warmup);
    }
    return Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
  }

  /**
   * HF {@code _get_cosine_schedule_with_warmup_lr_lambda}: with {@code minLrRate} 0 the {@code cosine}
   * schedule, otherwise {@code cosine_with_min_lr}.
   */
  static double cosine(int step, int warmup, int total, double numCycles, double minLrRate) {
    if (step < warmup) {
      return warmup(step, warmup);
    }
    double progress = progress(step, warmup, total);
    double factor = 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress));
    return Math.max(0.0, factor * (1 - minLrRate) + minLrRate);
  }

  /** HF {@code _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda}. */
  static double cosineWithHardRestarts(int step, int warmup, int total, double numCycles) {
    if (step < warmup) {
      return warmup(step, warmup);
    }
    double progress = progress(step, warmup, total);
    if (progress >= 1.0) {
      return 0.0;
    }
    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * pythonModOne(numCycles * progress))));
  }

  /**
   * HF {@code _get_polynomial_decay_schedule_with_warmup_lr_lambda}. Where HF divides by zero (warmup
   * reaching the total), this returns the end rate.
   */
  static double polynomial(int step, int warmup, int total, double lrInit, double lrEnd, double power) {
    if (step < warmup) {
      return warmup(step, warmup);
    }
    int decaySteps = total - warmup;
    if (step > total || decaySteps <= 0) {
      return lrEnd / lrInit;
    }
    double remaining = 1 - (double) (step - warmup) / decaySteps;
    return ((lrInit - lrEnd) * Math.pow(remaining, power) + lrEnd) / lrInit;
  }

  /** HF {@code _get_constant_schedule_with_warmup_lr_lambda}. */
  static double constantWithWarmup(int step, int warmup) {
    return step < warmup ? (double) step / Math.max(1.0, warmup) : 1.0;
  }

  /** HF {@code _get_inverse_sqrt_schedule_lr_lambda}. */
  static double inverseSqrt(int step, int warmup, double timescale) {
    if (step < warmup) {
      return warmup(step, warmup);
    }
    double shift = timescale - warmup;
    return 1.0 / Math.sqrt((step + shift) / timescale);
  }

  /** The shapes of a warmup-stable-decay warmup or decay. */
  enum Shape {
    LINEAR("linear"),
    COSINE("cosine"),
    ONE_MINUS_SQRT("1-sqrt");

    final String value;

    Shape(String value) {
      this.value = value;
    }

    static Shape of(String value) {
      for (Shape s : values()) {
        if (s.value.equals(value)) {
          return s;
        }
      }
      throw new IllegalArgumentException(value);
    }
  }

  /** HF {@code _get_wsd_scheduler_lambda}. */
  static double warmupStableDecay(int step, int warmup, int stable, int decay, Shape warmupShape,
      Shape decayShape, double minLrRatio, double numCycles) {
    if (step < warmup) {
      double progress = warmup(step, warmup);
      double factor = switch (warmupShape) {
        case LINEAR -> progress;
        case COSINE -> 0.5 * (1.0 - Math.cos(Math.PI * progress));
        case ONE_MINUS_SQRT -> 1.0 - Math.sqrt(1.0 - progress);
      };
      return Math.max(0.0, factor * (1.0 - minLrRatio) + minLrRatio);
    }
    if (step < warmup + stable) {
      return 1.0;
    }
    if (step < warmup + stable + decay) {
      double progress = (double) (step - warmup - stable) / Math.max(1, decay);
      double factor = switch (decayShape) {
        case LINEAR -> 1.0 - progress;
        case COSINE -> 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress));
        case ONE_MINUS_SQRT -> 1.0 - Math.sqrt(progress);
      };
      return Math.max(0.0, factor * (1.0 - minLrRatio) + minLrRatio);
    }
    return minLrRatio;
  }

  /** Python's {@code x % 1.0}: like Java's {@code %}, but never negative. */
  private static double pythonModOne(double x) {
    double r = x % 1.0;
    return r < 0 ? r + 1.0 : r;
  }

  private static double progress(int step, int warmup, int total) {
    return (double) (step - warmup) / Math.max(1, total - warmup);
  }
}
