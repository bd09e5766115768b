package org.trainer4j.wandb;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What became of a run when it finished.
 *
 * @param exitCode the exit code the run was marked with (0 finished, anything else failed)
 * @param mode where the run went; an online run without a key or with a rejected key reports what
 *     happened in {@link #problem()}
 * @param runId the run's ID
 * @param directory the run's folder (empty when W&B is disabled)
 * @param url the run's page, once the server created it
 * @param rowsLogged history rows written to the {@code .wandb} file
 * @param rowsUploaded history rows the server acknowledged
 * @param rowsNotUploaded history rows the server did not get (all of them for offline runs)
 * @param uploadComplete whether the server acknowledged the run as complete
 * @param problem what went wrong, if anything
 * @param syncCommand the command that uploads the run later, when it is not all uploaded
 */
public record FinishReport(int exitCode, WandbMode mode, String runId, Optional<Path> directory,
    Optional<String> url, long rowsLogged, long rowsUploaded, long rowsNotUploaded, boolean uploadComplete,
    Optional<String> problem, Optional<String> syncCommand) {}
