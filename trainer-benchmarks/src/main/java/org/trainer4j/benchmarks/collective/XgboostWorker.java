package org.trainer4j.benchmarks.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import ml.dmlc.xgboost4j.java.Communicator;
import org.trainer4j.distributed.WorkerEnvironment;
import org.trainer4j.distributed.XgboostCollective;

/**
 * One worker of the XGBoost measurement, in its own JVM: joins the group named by its environment, then
 * times all-reduces (SUM of float32) of each size, both through XGBoost4J's public {@code
 * Communicator.allReduce(float[])} and through {@link XgboostCollective#allReduceMean} (the JNI call on a
 * direct buffer). A barrier before each exchange starts both workers together.
 *
 * <p>Arguments: repeats, then sizes in floats.
 */
public final class XgboostWorker {
  private XgboostWorker() {}

  public static void main(String[] args) throws Exception {
    int repeatsForSmall = Integer.parseInt(args[0]);
    try (XgboostCollective collective = XgboostCollective.connect(WorkerEnvironment.from(System.getenv()))) {
      for (int a = 1; a < args.length; a++) {
        int floats = Integer.parseInt(args[a]);
        int repeats = Timings.repeats(floats, repeatsForSmall);
        float[] heap = new float[floats];
        java.util.Arrays.fill(heap, collective.rank() + 1);
        ByteBuffer direct = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder());
        double[] viaPublic = new double[repeats];
        double[] viaJni = new double[repeats];
        int warmUp = Timings.warmUps(floats);
        for (int i = -warmUp; i < repeats; i++) {
          collective.barrier();
          long t0 = System.nanoTime();
          float[] sum = Communicator.allReduce(heap, Communicator.OpType.SUM);
          long t1 = System.nanoTime();
          check(sum[floats - 1], 3f, "public");
          direct.clear();
          direct.asFloatBuffer().put(heap);
          collective.barrier();
          long t2 = System.nanoTime();
          collective.allReduceMean(direct);
          long t3 = System.nanoTime();
          check(direct.getFloat((floats - 1) * 4), 1.5f, "jni");
          if (i >= 0) {
            viaPublic[i] = (t1 - t0) / 1e6;
            viaJni[i] = (t3 - t2) / 1e6;
          }
        }
        if (collective.rank() == 0) {
          System.out.println(new Timings("xgboost-public", floats, viaPublic).line());
          System.out.println(new Timings("xgboost-jni", floats, viaJni).line());
        }
      }
    }
  }

  /** A wrong sum would make the timing meaningless (e.g. the public call's silent failure). */
  static void check(float actual, float expected, String variant) {
    if (actual != expected) {
      throw new IllegalStateException(variant + " all-reduce returned " + actual + ", expected " + expected);
    }
  }
}
