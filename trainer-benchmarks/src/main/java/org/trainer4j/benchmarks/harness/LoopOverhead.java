package org.trainer4j.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.trainer4j.benchmarks.harness.TrainerLoop.Console;
import org.trainer4j.benchmarks.harness.TrainerLoop.Integrations;
import org.trainer4j.core.checkpoint.Checkpoints;

/**
 * Measurements 1, 2 and 15: the hand-written loop (a) against the Trainer (b), in this JVM, alternating
 * a and b after warm-up; the figure is the median over the pairs of b's time divided by a's. Two ways
 * of alternating, both reported for 1 and 2 (15, all-MiniLM-L6-v2, uses the interleaved pairs only):
 *
 * <ul>
 *   <li><b>whole runs</b>: a runs its 1,000 steps, then b, then a again ...; simple, but on a shared
 *       machine a busy second lands on one side only, so single pairs swing by ±20 %;
 *   <li><b>interleaved</b>: one pair is one Trainer run with the plain loop's steps run in slices of
 *       {@code logging_steps} of measurement 1 (50) between the Trainer's (see {@link Interleaving}), so both sides share the noise.
 * </ul>
 */
final class LoopOverhead {

  /**
   * The runs of one comparison.
   *
   * @param jitMillis time the JIT compilers spent compiling during the pairs
   */
  record Comparison(List<LoopResult> plain, List<LoopResult> trainer, long jitMillis) {
    /** Per pair, b's wall time over a's. */
    List<Double> ratios() {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < plain.size(); i++) {
        out.add((double) trainer.get(i).nanos() / plain.get(i).nanos());
      }
      return out;
    }

    /** Per pair, b's JVM CPU time over a's. */
    List<Double> cpuRatios() {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < plain.size(); i++) {
        out.add((double) trainer.get(i).cpuNanos() / plain.get(i).cpuNanos());
      }
      return out;
    }

    double medianRatio() {
      return Stats.median(ratios());
    }

    List<Double> plainRates() {
      return plain.stream().map(LoopResult::stepsPerSecond).toList();
    }

    List<Double> trainerRates() {
      return trainer.stream().map(LoopResult::stepsPerSecond).toList();
    }

    /** True when the Trainer logged exactly the mean losses the hand-written loop computed: same work. */
    boolean sameLosses() {
      for (int i = 0; i < plain.size(); i++) {
        List<Double> a = plain.get(i).loggedLosses();
        if (a.isEmpty() || !a.equals(trainer.get(i).loggedLosses())) {
          return false;
        }
      }
      return true;
    }
  }

  /** A warm-up round that compiles for less than this share of its time ends the warm-up. */
  static final double QUIET_JIT_SHARE = 0.02;

  private final LoopWorkload<?> workload;
  private final LoopSettings everyFifty;
  private final LoopSettings everyStep;
  private final Consumer<String> progress;
  private final int slice;

  /**
   * The comparisons of {@code workload} with {@code settings}; the interleaved pairs' slice is its {@code
   * logging_steps} (50 in measurement 1, the name of the field).
   */
  LoopOverhead(LoopWorkload<?> workload, LoopSettings settings, Consumer<String> progress) {
    this.slice = settings.loggingSteps();
    this.workload = workload;
    this.everyFifty = settings;
    this.everyStep = settings.withLoggingSteps(1);
    this.progress = progress;
  }

  /** Measurements 1 and 2: the MLP workload in the issue's setting. */
  static LoopOverhead mlp(HarnessOptions options, Consumer<String> progress) {
    return new LoopOverhead(Workload.mlp(options.loopExamples()),
        LoopSettings.issue(options.loopSteps(), options.loopLoggingSteps()), progress);
  }

  /**
   * Warm-up rounds of every variant until the JIT compilers are nearly done, so that both sides run
   * compiled code and no compiler thread competes with the measured runs for the two cores: at least
   * {@code minRounds}, then until a round spends under {@link #QUIET_JIT_SHARE} of its time compiling,
   * at most {@code maxRounds}.
   */
  void warmUp(int minRounds, int maxRounds) {
    for (int i = 0; i < maxRounds; i++) {
      long start = System.nanoTime();
      long compiling = JitClock.millis();
      plain();
      trainer(everyFifty, Integrations.NONE);
      interleaved(everyStep, Integrations.TENSORBOARD_AND_WANDB, Console.NULL_STREAM);
      double share = (JitClock.millis() - compiling) / ((System.nanoTime() - start) / 1e6);
      progress.accept(String.format("warm-up round %d: %.1f %% of the time compiling", i + 1, 100 * share));
      if (i + 1 >= minRounds && share < QUIET_JIT_SHARE) {
        return;
      }
    }
  }

  /** Measurement 1 or 2 with whole runs alternating. */
  Comparison wholeRuns(int pairs, boolean withIntegrations) {
    LoopSettings settings = withIntegrations ? everyStep : everyFifty;
    Integrations integrations = withIntegrations ? Integrations.TENSORBOARD_AND_WANDB : Integrations.NONE;
    return pairs(pairs, withIntegrations, "whole runs",
        () -> new LoopResult[] {plain(), trainer(settings, integrations)});
  }

  /** Measurement 1 or 2 with the two loops interleaved slice by slice. */
  Comparison interleaved(int pairs, boolean withIntegrations) {
    return interleaved(pairs, withIntegrations, Console.NULL_STREAM);
  }

  /** As {@link #interleaved(int, boolean)}, choosing whether the Trainer formats rows for the console. */
  Comparison interleaved(int pairs, boolean withIntegrations, Console console) {
    LoopSettings settings = withIntegrations ? everyStep : everyFifty;
    Integrations integrations = withIntegrations ? Integrations.TENSORBOARD_AND_WANDB : Integrations.NONE;
    return pairs(pairs, withIntegrations, console == Console.REMOVED ? "interleaved, console removed," : "interleaved",
        () -> interleaved(settings, integrations, console));
  }

  /** Runs {@code count} pairs {a, b}, reporting each, and the JIT's compiling time meanwhile. */
  private Comparison pairs(int count, boolean withIntegrations, String mode, Supplier<LoopResult[]> pair) {
    List<LoopResult> a = new ArrayList<>();
    List<LoopResult> b = new ArrayList<>();
    long compiling = JitClock.millis();
    for (int i = 0; i < count; i++) {
      LoopResult[] ab = pair.get();
      a.add(ab[0]);
      b.add(ab[1]);
      report(mode, withIntegrations, i, ab[0], ab[1]);
    }
    return new Comparison(List.copyOf(a), List.copyOf(b), JitClock.millis() - compiling);
  }

  /**
   * The harness's noise floor: the hand-written loop against a second copy of itself, in the same
   * slices as the interleaved pairs (the copy playing b runs each slice first, as the Trainer does).
   * Both sides do the same work, so any median away from 1.000 is what this machine adds by itself.
   */
  Comparison selfComparison(int pairs) {
    return pairs(pairs, false, "noise floor (hand loop against itself)", this::selfPair);
  }

  LoopSettings settings() {
    return everyFifty;
  }

  String workloadName() {
    return workload.name();
  }

  private void report(String mode, boolean withIntegrations, int pair, LoopResult a, LoopResult b) {
    progress.accept(String.format("%s%s, %s pair %d: a %.2f steps/s, b %.2f steps/s, b/a %.3f (CPU time %.3f)",
        workload.name(), withIntegrations ? " with integrations" : "", mode, pair + 1, a.stepsPerSecond(), b.stepsPerSecond(),
        (double) b.nanos() / a.nanos(), (double) b.cpuNanos() / a.cpuNanos()));
  }

  private LoopResult plain() {
    Path scratch = ScratchFolders.create("bench-plain");
    try {
      return PlainLoop.run(workload, everyFifty, scratch);
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }

  private LoopResult trainer(LoopSettings settings, Integrations integrations) {
    Path scratch = ScratchFolders.create("bench-trainer");
    try {
      return TrainerLoop.run(workload, settings, integrations, scratch, List.of());
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }

  /** One pair of two hand-written loops sharing the machine slice by slice: {a, its copy as b}. */
  private LoopResult[] selfPair() {
    Path scratch = ScratchFolders.create("bench-self");
    try (PlainLoop<?> a = new PlainLoop<>(workload, everyFifty, scratch);
        PlainLoop<?> b = new PlainLoop<>(workload, everyFifty, scratch)) {
      Interleaving aSlices = new Interleaving(a, slice);
      Interleaving bSlices = new Interleaving(b, slice);
      for (int done = 0; done < everyFifty.steps(); done += slice) {
        bSlices.slice(); // b first in each slice, as the Trainer
        aSlices.slice();
      }
      return new LoopResult[] {aSlices.result(everyFifty.steps()), bSlices.result(everyFifty.steps())};
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }

  /** One interleaved pair: {plain, trainer}. The plain loop always logs every 50 steps, as in measurement 1. */
  private LoopResult[] interleaved(LoopSettings settings, Integrations integrations, Console console) {
    Path scratch = ScratchFolders.create("bench-interleaved");
    try (PlainLoop<?> plain = new PlainLoop<>(workload, everyFifty, scratch)) {
      Interleaving slices = new Interleaving(plain, slice);
      LoopResult whole = TrainerLoop.run(workload, settings, integrations, console, scratch, List.of(slices));
      slices.finish(settings.steps());
      LoopResult a = slices.result(settings.steps());
      LoopResult b = new LoopResult(settings.steps(), whole.nanos() - a.nanos(), whole.cpuNanos() - a.cpuNanos(),
          whole.loggedLosses());
      return new LoopResult[] {a, b};
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }
}
