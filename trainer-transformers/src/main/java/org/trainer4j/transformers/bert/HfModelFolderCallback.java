package org.trainer4j.transformers.bert;

import ai.djl.Model;
import ai.djl.nn.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * Makes the Trainer save HF model folders, as HF's Trainer does with {@code save_model()} and its checkpoints:
 *
 * <ul>
 *   <li>every checkpoint it saves ({@code output_dir/checkpoint-N}) is also an HF folder: the checkpoint's
 *       {@code model.safetensors} already holds HF names with metadata {@code format: pt}, and {@code config.json}
 *       and the tokenizer's files are added beside it; the best checkpoint is one of them;
 *   <li>when training ends, the final model is saved into {@code output_dir} itself (HF's {@code
 *       trainer.save_model()} after {@code train()}): the best model when {@code load_best_model_at_end} is set,
 *       since the Trainer has loaded it by then.
 * </ul>
 *
 * <p>{@code AutoModelForSequenceClassification.from_pretrained(folder)} loads any of these folders. The Trainer's
 * model must be a {@link BertBlock} that {@link HfModelFolder} can save; that is checked when the Trainer is built.
 */
public final class HfModelFolderCallback implements TrainerCallback {
  private final Optional<TextTokenizer> tokenizer;

  /** Saves the model and, when given, the tokenizer (HF's {@code processing_class}). */
  public HfModelFolderCallback(Optional<TextTokenizer> tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Saves the model and the tokenizer. */
  public HfModelFolderCallback(TextTokenizer tokenizer) {
    this(Optional.of(tokenizer));
  }

  @Override
  public void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    BertBlock block = bertBlock(context);
    if (block instanceof BertForSequenceClassification && block.pooling() == Pooling.MEAN) {
      throw new IllegalArgumentException("HfModelFolderCallback cannot save a BertForSequenceClassification with"
          + " Pooling.MEAN: no HF class pools that way; use Pooling.CLS_POOLER or leave the callback out");
    }
  }

  @Override
  public void onSave(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    Path checkpoint = args.outputDir().resolve(Checkpoints.folderName(state.globalStep()));
    try {
      HfModelFolder.saveDescription(checkpoint, bertBlock(context), tokenizer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot add config.json and the tokenizer to " + checkpoint, e);
    }
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    save(args.outputDir(), context);
  }

  private void save(Path folder, CallbackContext context) {
    try {
      HfModelFolder.save(folder, bertBlock(context), tokenizer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model as an HF folder in " + folder, e);
    }
  }

  private static BertBlock bertBlock(CallbackContext context) {
    Block block = context.model().map(Model::getBlock).orElseThrow(
        () -> new IllegalStateException("HfModelFolderCallback needs the Trainer's model; this event carries none"));
    if (!(block instanceof BertBlock bert)) {
      throw new IllegalArgumentException("HfModelFolderCallback saves BERT blocks (BertModel,"
          + " BertForSequenceClassification); the Trainer's model is a " + block.getClass().getSimpleName());
    }
    return bert;
  }
}
