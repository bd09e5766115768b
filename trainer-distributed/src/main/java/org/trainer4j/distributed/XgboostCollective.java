package org.trainer4j.distributed;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost4J's collective (its tracker and ring all-reduce, in native code), the one XGBoost-Spark runs
 * under Spark's barrier mode. One per process: XGBoost's communicator is a process-wide singleton.
 *
 * <p>The exchange calls XGBoost's JNI all-reduce on a direct buffer and checks its return code.
 * XGBoost4J's public {@code Communicator.allReduce(float[], OpType)} is not used: it copies element by
 * element and discards the return code, so when a peer has died it returns this worker's own values as
 * the "sum" (seen with 3.4.0; docs/DISTRIBUTED.md). The JNI method is package-private, hence the
 * reflective handle.
 */
public final class XgboostCollective implements Collective {
  private static final MethodHandle ALL_REDUCE;
  private static final MethodHandle LAST_ERROR;
  private static volatile boolean connected;

  static {
    try {
      Class<?> jni = Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI");
      Method allReduce = jni.getDeclaredMethod("CommunicatorAllreduce", ByteBuffer.class, int.class, int.class,
          int.class);
      allReduce.setAccessible(true);
      Method lastError = jni.getDeclaredMethod("XGBGetLastError");
      lastError.setAccessible(true);
      ALL_REDUCE = MethodHandles.lookup().unreflect(allReduce);
      LAST_ERROR = MethodHandles.lookup().unreflect(lastError);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError("this XGBoost4J has no JNI all-reduce on buffers (version "
          + "3.4.0 has): " + e);
    }
  }

  private final WorkerEnvironment environment;
  private boolean closed;

  private XgboostCollective(WorkerEnvironment environment) {
    this.environment = environment;
  }

  /**
   * Joins the group through the tracker named in {@code environment}, waiting at most its timeout for
   * the tracker and the other workers.
   *
   * @throws CollectiveException naming this worker, the tracker and the timeout when the group cannot
   *     be formed
   */
  public static XgboostCollective connect(WorkerEnvironment environment) {
    synchronized (XgboostCollective.class) {
      if (connected) {
        throw new IllegalStateException("this process is already a worker of a job: XGBoost's communicator is "
            + "one per process; close the other XgboostCollective first");
      }
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("dmlc_communicator", "rabit");
      config.put("dmlc_tracker_uri", environment.trackerHost());
      config.put("dmlc_tracker_port", environment.trackerPort());
      config.put("dmlc_task_id", Integer.toString(environment.rank()));
      config.put("dmlc_timeout", environment.timeoutSeconds());
      config.put("dmlc_retry", 3);
      try {
        Communicator.init(config);
      } catch (XGBoostError | RuntimeException e) {
        throw new CollectiveException(worker(environment) + " cannot reach the other workers through the tracker at "
            + environment.trackerHost() + ":" + environment.trackerPort() + " (timeout "
            + environment.timeoutSeconds() + " s): " + firstLines(e.getMessage()), e);
      }
      connected = true;
      return new XgboostCollective(environment);
    }
  }

  @Override
  public int rank() {
    return environment.rank();
  }

  @Override
  public int worldSize() {
    return environment.worldSize();
  }

  @Override
  public void allReduceSum(ByteBuffer values) {
    if (!values.isDirect() || values.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("the all-reduce needs a direct buffer in native byte order");
    }
    allReduce(values, values.limit() / Float.BYTES, Communicator.DataType.FLOAT32, Communicator.OpType.SUM);
  }

  @Override
  public double[] allReduceSum(double... values) {
    return reduceDoubles(values, Communicator.OpType.SUM);
  }

  @Override
  public double[] allReduceMax(double... values) {
    return reduceDoubles(values, Communicator.OpType.MAX);
  }

  /** Two maxima: the length, then the bytes, which are zero on every worker but the root. */
  @Override
  public String broadcast(String value, int root) {
    if (root < 0 || root >= worldSize()) {
      throw new IllegalArgumentException("root must be in [0, " + worldSize() + "), not " + root);
    }
    byte[] bytes = rank() == root ? value.getBytes(StandardCharsets.UTF_8) : new byte[0];
    int length = (int) allReduceMax(bytes.length)[0];
    ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(length, 1)).order(ByteOrder.nativeOrder());
    buffer.put(bytes).clear();
    allReduce(buffer, length, Communicator.DataType.UINT8, Communicator.OpType.MAX);
    byte[] out = new byte[length];
    buffer.get(0, out);
    return new String(out, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    synchronized (XgboostCollective.class) {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      try {
        Communicator.shutdown();
      } catch (XGBoostError e) {
        throw new CollectiveException(worker(environment) + " could not leave the group: " + firstLines(e.getMessage()), e);
      }
    }
  }

  private double[] reduceDoubles(double[] values, Communicator.OpType op) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(values.length, 1) * Double.BYTES)
        .order(ByteOrder.nativeOrder());
    buffer.asDoubleBuffer().put(values);
    allReduce(buffer, values.length, Communicator.DataType.FLOAT64, op);
    double[] out = new double[values.length];
    buffer.asDoubleBuffer().get(out);
    return out;
  }

  private void allReduce(ByteBuffer buffer, int count, Communicator.DataType type, Communicator.OpType op) {
    if (closed) {
      throw new IllegalStateException(worker(environment) + " has left the group");
    }
    int code;
    try {
      code = (int) ALL_REDUCE.invokeExact(buffer, count, type.getEnumOp(), op.getOperand());
    } catch (Throwable e) {
      throw new CollectiveException(worker(environment) + ": the all-reduce could not be called", e);
    }
    if (code != 0) {
      throw new CollectiveException(worker(environment) + ": an all-reduce with the other workers failed (a worker "
          + "died or timed out after " + environment.timeoutSeconds() + " s): " + firstLines(lastError()));
    }
  }

  private static String lastError() {
    try {
      return (String) LAST_ERROR.invokeExact();
    } catch (Throwable e) {
      return "(no message: " + e + ")";
    }
  }

  static String worker(WorkerEnvironment environment) {
    return "worker " + environment.rank() + " of " + environment.worldSize();
  }

  /** XGBoost's messages end in a native stack trace; the lines before it say what happened. */
  static String firstLines(String message) {
    if (message == null) {
      return "(no message)";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.lines().toList()) {
      if (line.startsWith("Stack trace")) {
        break;
      }
      if (!line.isBlank()) {
        out.append(out.length() == 0 ? "" : " ").append(line.strip());
      }
    }
    return out.toString();
  }
}
