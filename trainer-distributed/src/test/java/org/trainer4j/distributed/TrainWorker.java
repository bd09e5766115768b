package org.trainer4j.distributed;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.tensorboard.TensorBoardCallback;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbSettings;

/**
 * A data-parallel training job for the tests, one worker per JVM: a 4 → 8 → 2 MLP on 256 synthetic
 * examples, 6 optimizer steps of AdamW with a linear schedule, a checkpoint every 3 steps and an
 * evaluation on 40 examples every 3, reported to TensorBoard (through {@code report_to}) and to W&B offline (a callback
 * every worker is given, as a user's script would). Each worker writes {@code result-rank<r>.json} (its log history and
 * final weights) to the output folder.
 *
 * <p>Arguments: {@code --output_dir} and the output folder (where the launcher looks for checkpoints), per-device batch size, resume ({@code none}, {@code true} or a folder),
 * and optionally {@code kill-at=<step>}: worker 1 kills itself (SIGKILL) when that step begins, or {@code
 * accumulate=<n>}: {@code gradient_accumulation_steps}.
 */
public final class TrainWorker {
  static final int STEPS = 6;

  private TrainWorker() {}

  public static void main(String[] argv) throws Exception {
    Path output = Path.of(argv[1]);
    int batch = Integer.parseInt(argv[2]);
    String resume = argv[3];
    String extra = argv.length > 4 ? argv[4] : "";
    int killAt = extra.startsWith("kill-at=") ? Integer.parseInt(extra.substring("kill-at=".length())) : -1;
    int accumulate = extra.startsWith("accumulate=") ? Integer.parseInt(extra.substring("accumulate=".length())) : 1;
    WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
    try (Collective collective = env.worldSize() > 1 ? XgboostCollective.connect(env) : Collective.single()) {
      writeResult(output, env.rank(), train(output, batch, accumulate, resume, killAt, env, collective));
    }
  }

  /** Writes a worker's result as {@code result-rank<r>.json} in the output folder, where the tests read it. */
  static void writeResult(Path output, int rank, Map<String, Object> result) throws IOException {
    new ObjectMapper().writeValue(output.resolve("result-rank" + rank + ".json").toFile(), result);
  }

  /** Trains as described above; returns the log history, the process flags and the final weights. */
  static Map<String, Object> train(Path output, int batch, int accumulate, String resume, int killAt,
      WorkerEnvironment env, Collective collective) {
    TrainingArguments.Builder builder = TrainingArguments.builder().outputDir(output.toString())
        .perDeviceTrainBatchSize(batch).gradientAccumulationSteps(accumulate).perDeviceEvalBatchSize(8).maxSteps(STEPS).learningRate(0.05)
        .loggingSteps(1).saveSteps(3).evalStrategy("steps").evalSteps(3).seed(7).reportTo("tensorboard")
        .maxGradNorm(1.0);
    if (!resume.equals("none")) {
      builder.resumeFromCheckpoint(resume);
    }
    TrainingArguments args = builder.build();
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock()
          .add(Linear.builder().setUnits(8).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      Trainer.Builder trainer = Trainer.builder().args(args)
          .engine(DataParallelEngine.of(model, Loss.softmaxCrossEntropyLoss(), args, collective, env.localRank()))
          .trainDataset(dataset(256, 11)).evalDataset(dataset(40, 12))
          .callbacks(new WandbCallback(WandbSettings.builder().mode(WandbMode.OFFLINE).project("ddp")
              .directory(output).build()));
      if (killAt > 0 && env.rank() == 1) {
        trainer.callbacks(List.of(new KillAtStep(killAt)));
      }
      try (Trainer t = trainer.build()) {
        boolean reports = t.callbackHandler().callbacks().stream().anyMatch(c -> c instanceof TensorBoardCallback);
        t.train();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("log_history", t.state().logHistory());
        result.put("is_world_process_zero", t.state().isWorldProcessZero());
        result.put("is_local_process_zero", t.state().isLocalProcessZero());
        // HF's properties of the arguments: world_size, process_index, local_process_index.
        result.put("args_process", List.of(args.worldSize(), args.processIndex(), args.localProcessIndex()));
        result.put("reports_to_tensorboard", reports);
        result.put("train_batch_size", t.state().trainBatchSize().orElse(-1));
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
          weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        result.put("weights", weights);
        return result;
      }
    }
  }

  /** Features from a seeded Gaussian, label: whether their sum is positive. */
  static TrainerDataset dataset(int size, long seed) {
    Random random = new Random(seed);
    List<float[]> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      examples.add(new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(),
          (float) random.nextGaussian(), (float) random.nextGaussian()});
    }
    DataCollator<float[]> collator = (rows, manager) -> {
      float[][] x = rows.toArray(float[][]::new);
      int[] y = new int[rows.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = x[i][0] + x[i][1] + x[i][2] + x[i][3] > 0 ? 1 : 0;
      }
      return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), rows.size());
    };
    return TrainerDataset.of(examples, collator);
  }

  /** A worker dying in the middle of a run: SIGKILL, no chance to say goodbye. */
  record KillAtStep(int step) implements TrainerCallback {
    @Override
    public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control,
        CallbackContext context) {
      if (state.globalStep() == step - 1) {
        try {
          new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
          Thread.sleep(60_000);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }
}
