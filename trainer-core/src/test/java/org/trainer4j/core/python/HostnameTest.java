package org.trainer4j.core.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostnameTest {

  @Test
  void isTheKernelsHostNameAsPythonsSocketGethostnameReadsIt() throws Exception {
    // socket.gethostname() is uname's nodename, which Linux shows in this file; Java's
    // InetAddress.getLocalHost().getHostName() (what W&B used) asks the resolver and may answer otherwise.
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    assumeTrue(Files.isReadable(kernel), "not Linux");
    assertEquals(Files.readString(kernel).strip(), Hostname.get());
  }
}
