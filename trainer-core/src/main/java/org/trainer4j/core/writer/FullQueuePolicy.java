package org.trainer4j.core.writer;

/**
 * What {@link BackgroundWriter#offer} does when the writer thread has fallen so far behind that its
 * queue is full. Each writer chooses one and says so in its own documentation. Either way the first
 * full queue is logged once at WARN.
 */
public enum FullQueuePolicy {
  /**
   * The producer waits for room: nothing is lost, but a stalled disk or socket slows the producer
   * (the training thread) down. It stops waiting, and the item is lost and counted, when the writer is
   * closed meanwhile or the producer is interrupted.
   */
  BLOCK,

  /**
   * The item just offered is dropped and counted in {@link BackgroundWriter#dropped()}: the producer
   * never waits. The count is logged at the next {@link BackgroundWriter#flush flush} and at close.
   */
  DROP_NEWEST
}
