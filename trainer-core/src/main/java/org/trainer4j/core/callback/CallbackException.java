package org.trainer4j.core.callback;

/** A user callback threw: training stops, and this names the callback and the event. */
public final class CallbackException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String callbackName;
  private final Event event;

  public CallbackException(String callbackName, Event event, Throwable cause) {
    super("callback " + callbackName + " failed in " + event.methodName() + ": " + cause, cause);
    this.callbackName = callbackName;
    this.event = event;
  }

  public String callbackName() {
    return callbackName;
  }

  public Event event() {
    return event;
  }
}
