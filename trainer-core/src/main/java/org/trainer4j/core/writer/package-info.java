/**
 * Background writers for integrations: {@link org.trainer4j.core.writer.BackgroundWriter} owns a
 * daemon thread, a bounded queue, batching, a {@link org.trainer4j.core.writer.FullQueuePolicy},
 * flush with a deadline and close, and registers with the one JVM shutdown hook of {@link
 * org.trainer4j.core.writer.ShutdownRegistry}. A plugin that writes to a file or the network extends
 * it and writes only how a batch is handled.
 */
package org.trainer4j.core.writer;
