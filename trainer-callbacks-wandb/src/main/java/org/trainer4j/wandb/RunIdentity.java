package org.trainer4j.wandb;

import java.util.List;
import java.util.Optional;
import org.trainer4j.core.python.Hostname;

/**
 * Who a run is: what the run record, the first upsert and the log say about it. Its free-text parts
 * (display name, notes, tags, group, job type, host) have the API key replaced by {@code <redacted>}, as
 * config values do; the identifiers (ID, project, entity) cannot hold it (settings refuse them).
 */
record RunIdentity(String runId, Optional<String> displayName, String project, Optional<String> entity,
    Optional<String> notes, List<String> tags, Optional<String> group, Optional<String> jobType,
    Optional<String> hostSetting) {

  static RunIdentity of(WandbSettings settings, Secrets secrets) {
    return new RunIdentity(settings.runId(), settings.runName().map(secrets::redact), settings.project(),
        settings.entity(), settings.notes().map(secrets::redact), settings.tags().stream().map(secrets::redact).toList(),
        settings.runGroup().map(secrets::redact), settings.jobType().map(secrets::redact),
        settings.host().map(secrets::redact));
  }

  /** The host name: the one set, else this machine's as Python's {@code socket.gethostname()} gives it. */
  String host() {
    return hostSetting.orElseGet(Hostname::get);
  }
}
