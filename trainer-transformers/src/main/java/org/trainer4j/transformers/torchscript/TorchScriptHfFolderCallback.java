package org.trainer4j.transformers.torchscript;

import ai.djl.Model;
import ai.djl.nn.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.transformers.bert.HfModelFolder;

/**
 * HF's {@code trainer.save_model()} for a TorchScript model: when training ends, the model (the best one when {@code
 * load_best_model_at_end} is set) is saved into {@code output_dir} as an HF folder ({@link TorchScriptHfFolder}).
 * Checkpoints keep the trace's parameter names, which resume needs, so unlike {@link
 * org.trainer4j.transformers.bert.HfModelFolderCallback}'s they are not HF folders.
 */
public final class TorchScriptHfFolderCallback implements TrainerCallback {
  private final Path exportFolder;

  /** Saves with the configuration and tokenizer files of {@code exportFolder} (what export_torchscript.py wrote). */
  public TorchScriptHfFolderCallback(Path exportFolder) {
    this.exportFolder = exportFolder;
  }

  @Override
  public void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    traceOf(context);
    if (!Files.isRegularFile(exportFolder.resolve(HfModelFolder.CONFIG))) {
      throw new IllegalArgumentException("TorchScriptHfFolderCallback: no " + HfModelFolder.CONFIG + " in "
          + exportFolder + "; give the folder export_torchscript.py wrote");
    }
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    try {
      TorchScriptHfFolder.save(args.outputDir(), traceOf(context), exportFolder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model as an HF folder in " + args.outputDir(), e);
    }
  }

  private static TorchScriptBlock traceOf(CallbackContext context) {
    Block block = context.model().map(Model::getBlock).orElseThrow(() -> new IllegalStateException(
        "TorchScriptHfFolderCallback needs the Trainer's model; this event carries none"));
    if (!(block instanceof TorchScriptBlock trace)) {
      throw new IllegalArgumentException("TorchScriptHfFolderCallback saves models loaded with TorchScriptModel.load;"
          + " the Trainer's model is a " + block.getClass().getSimpleName());
    }
    return trace;
  }
}
