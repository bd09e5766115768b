package org.trainer4j.core.callback;

/**
 * Where a callback sits in the handler's order, and what happens when it throws: everything but an
 * integration stops training; an integration is reported once and switched off.
 */
public enum CallbackRole {
  /** {@link DefaultFlowCallback}: first, so the others see the flags it sets. */
  FLOW,
  /** Found through {@code report_to}; a failure never kills training. */
  INTEGRATION,
  /** Given by the user. */
  USER,
  /** The progress bar or printer: last, so it prints what the others did. */
  CONSOLE
}
