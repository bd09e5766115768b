/**
 * Trainer4J core. The exported packages are the public API (listed in {@code trainer-core/api.txt},
 * kept honest by {@code ApiSnapshotTest}); {@code org.trainer4j.core.internal} (the loop, its session
 * and checkpoint parts) and {@code org.trainer4j.core.internal.engine} (DJL process checks) are not,
 * and are open to the test kit only. See docs/ARCHITECTURE.md.
 */
module org.trainer4j.core {
  requires transitive ai.djl.api;
  requires transitive org.slf4j;
  requires transitive com.fasterxml.jackson.databind;

  exports org.trainer4j.core;
  exports org.trainer4j.core.args;
  exports org.trainer4j.core.callback;
  exports org.trainer4j.core.checkpoint;
  exports org.trainer4j.core.console;
  exports org.trainer4j.core.data;
  exports org.trainer4j.core.engine;
  exports org.trainer4j.core.json;
  exports org.trainer4j.core.metrics;
  exports org.trainer4j.core.optim;
  exports org.trainer4j.core.state;
  exports org.trainer4j.core.writer;
  exports org.trainer4j.core.internal to org.trainer4j.testkit;

  uses org.trainer4j.core.callback.TrainerCallbackProvider;
}
