package org.trainer4j.distributed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A worker main for the launcher tests. Modes: {@code ok} (exchange, print the results), {@code die}
 * (worker 1 kills itself with SIGKILL after the first exchange; the others keep exchanging), {@code
 * absent} (worker 1 never joins).
 */
public final class ExchangeWorker {
  private ExchangeWorker() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
    if (mode.equals("absent") && env.rank() == 1) {
      Thread.sleep(600_000);
      return;
    }
    try (XgboostCollective collective = XgboostCollective.connect(env)) {
      ByteBuffer values = ByteBuffer.allocateDirect(3 * Float.BYTES).order(ByteOrder.nativeOrder());
      for (int i = 0; i < 3; i++) {
        values.putFloat(i * Float.BYTES, collective.rank() + 1 + i);
      }
      collective.allReduceMean(values);
      System.out.println("mean=" + values.getFloat(0) + "," + values.getFloat(4) + "," + values.getFloat(8));
      if (mode.equals("die") && collective.rank() == 1) {
        long pid = ProcessHandle.current().pid();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        Thread.sleep(600_000);
      }
      String path = collective.broadcast(collective.rank() == 0 ? "out/checkpoint-7" : "ignored", 0);
      System.out.println("broadcast=" + path);
      System.out.println("max=" + collective.allReduceMax(collective.rank(), -collective.rank())[0]);
      System.out.println("sum=" + collective.allReduceSum(0.5)[0]);
      collective.barrier();
      if (mode.equals("die")) {
        for (int i = 0; i < 1000; i++) {
          collective.allReduceSum(i);
          Thread.sleep(10);
        }
      }
    }
  }
}
