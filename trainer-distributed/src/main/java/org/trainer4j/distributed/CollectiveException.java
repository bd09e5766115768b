package org.trainer4j.distributed;

/** An exchange between workers failed: a worker died, could not be reached, or timed out. */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
