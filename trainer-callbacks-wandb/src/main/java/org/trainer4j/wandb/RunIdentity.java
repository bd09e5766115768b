package org.trainer4j.wandb;

import java.util.List;
import java.util.Optional;

/** Who a run is: what the run record and the first upsert say about it. */
record RunIdentity(String runId, Optional<String> displayName, String project, Optional<String> entity,
    Optional<String> notes, List<String> tags, Optional<String> group, Optional<String> jobType,
    Optional<String> hostSetting) {

  /** The host name: the one set, else this machine's (looked up once, off the training thread). */
  String host() {
    return hostSetting.orElseGet(Hostname::get);
  }
}
