package org.trainer4j.distributed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.trainer4j.core.checkpoint.Checkpoints;

/** The part of a failed job's message that says where to resume from: the output folder's last checkpoint. */
final class ResumeAdvice {
  private ResumeAdvice() {}

  static String of(Optional<Path> outputDir) {
    return outputDir
        .filter(Files::isDirectory)
        .flatMap(Checkpoints::latest)
        .map(c -> "the last checkpoint is " + c + "; run again with --resume_from_checkpoint " + c
            + " (or true) to continue from it")
        .orElse(outputDir.map(d -> "no checkpoint was saved in " + d).orElse("no --output_dir was given,"
            + " so no checkpoint to name"));
  }
}
