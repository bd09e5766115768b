package org.trainer4j.core.args;

/**
 * Thrown by {@link org.trainer4j.core.args.TrainingArguments#parse(String...)} when the command line asks
 * for {@code --help}: the message is the option list ({@link ArgumentParser#help()}), to print before
 * exiting, as Python's argparse does.
 */
public final class HelpRequestedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public HelpRequestedException(String help) {
    super(help);
  }
}
