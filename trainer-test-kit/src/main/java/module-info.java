/** Trainer4J's test kit: drives callbacks through core's real loop on a synthetic engine. */
module org.trainer4j.testkit {
  requires transitive org.trainer4j.core;

  exports org.trainer4j.testkit;
}
