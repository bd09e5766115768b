package org.trainer4j.tensorboard;

/** What a {@link SummaryWriter} does when its writer thread falls behind and the queue is full. */
public enum FullQueuePolicy {
  /** The calling thread waits for room: nothing is lost, training may slow down. The default. */
  BLOCK,
  /** The event is dropped and counted; the count is logged at close and given by {@link SummaryWriter#droppedEvents()}. */
  DROP
}
