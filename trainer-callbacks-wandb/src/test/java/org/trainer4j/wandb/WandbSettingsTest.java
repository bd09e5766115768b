package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings read as the W&B SDK reads them, from a given environment (the real one is never touched). */
class WandbSettingsTest {
  @TempDir Path home;

  private WandbSettings fromEnv(Map<String, String> env) {
    return WandbSettings.fromEnvironment(env).homeDirectory(home).build();
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsAreTheSdksWithTrainer4jAsTheProject() {
    WandbSettings s = fromEnv(env());
    assertEquals("https://api.wandb.ai", s.baseUrl());
    assertEquals("https://wandb.ai", s.appUrl());
    assertEquals("trainer4j", s.project());
    assertEquals(Optional.empty(), s.entity());
    assertEquals(WandbMode.ONLINE, s.mode());
    assertTrue(s.runId().matches("[a-z0-9]{8}"), s.runId());
    assertEquals(Optional.empty(), s.runName());
    assertEquals(List.of(), s.tags());
    assertEquals(Path.of("").toAbsolutePath(), s.directory());
    assertFalse(s.silent());
    assertFalse(s.hasApiKey());
    assertEquals(15, s.transmitInterval().toSeconds());
    assertEquals(60, s.finishTimeout().toSeconds());
    assertEquals(2, s.retryBaseDelay().toSeconds());
    assertEquals(60, s.retryMaxDelay().toSeconds());
    assertEquals(60, s.requestTimeout().toSeconds());
    // While finishing, a request may take a third of the finish timeout: two more tries fit after a hang.
    assertEquals(20, s.finishingRequestTimeout().toSeconds());
    assertEquals(java.time.Duration.ofSeconds(5),
        s.toBuilder().requestTimeout(java.time.Duration.ofSeconds(5)).build().finishingRequestTimeout());
  }

  @Test
  void everyVariableIsRead() {
    WandbSettings s = fromEnv(env(
        "WANDB_API_KEY", TestRuns.KEY,
        "WANDB_BASE_URL", "https://api.example.com/",
        "WANDB_PROJECT", "mnist",
        "WANDB_ENTITY", "team",
        "WANDB_MODE", "offline",
        "WANDB_RUN_ID", "run-42",
        "WANDB_NAME", "first try",
        "WANDB_NOTES", "notes here",
        "WANDB_TAGS", "a, b,,c",
        "WANDB_RUN_GROUP", "sweep1",
        "WANDB_JOB_TYPE", "train",
        "WANDB_DIR", home.toString(),
        "WANDB_SILENT", "true"));
    assertTrue(s.hasApiKey());
    assertEquals(Optional.of("WANDB_API_KEY"), s.apiKeySource());
    assertEquals("https://api.example.com", s.baseUrl());
    assertEquals("https://app.example.com", s.appUrl());
    assertEquals("mnist", s.project());
    assertEquals(Optional.of("team"), s.entity());
    assertEquals(WandbMode.OFFLINE, s.mode());
    assertEquals("run-42", s.runId());
    assertEquals(Optional.of("first try"), s.runName());
    assertEquals(Optional.of("notes here"), s.notes());
    assertEquals(List.of("a", "b", "c"), s.tags());
    assertEquals(Optional.of("sweep1"), s.runGroup());
    assertEquals(Optional.of("train"), s.jobType());
    assertEquals(home, s.directory());
    assertTrue(s.silent());
  }

  @Test
  void javaSettingsOverrideTheEnvironment() {
    WandbSettings s = WandbSettings.fromEnvironment(env("WANDB_PROJECT", "from-env", "WANDB_MODE", "offline"))
        .project("from-java").mode(WandbMode.DISABLED).build();
    assertEquals("from-java", s.project());
    assertEquals(WandbMode.DISABLED, s.mode());
  }

  @Test
  void modesAreReadAsTheSdkSpellsThem() {
    assertEquals(WandbMode.OFFLINE, fromEnv(env("WANDB_MODE", "dryrun")).mode());
    assertEquals(WandbMode.ONLINE, fromEnv(env("WANDB_MODE", "run")).mode());
    assertEquals(WandbMode.DISABLED, fromEnv(env("WANDB_MODE", "Disabled")).mode());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromEnv(env("WANDB_MODE", "cloud")));
    assertEquals("WANDB_MODE=cloud is not allowed; use one of: online, offline, disabled (dryrun means offline,"
        + " run means online)", e.getMessage());
  }

  @Test
  void huggingFacesWandbDisabledTurnsReportingOff() {
    assertEquals(WandbMode.DISABLED, fromEnv(env("WANDB_DISABLED", "true")).mode());
    assertEquals(WandbMode.DISABLED, fromEnv(env("WANDB_DISABLED", "1", "WANDB_MODE", "online")).mode());
    assertEquals(WandbMode.ONLINE, fromEnv(env("WANDB_DISABLED", "false")).mode());
  }

  @Test
  void runIdsWithCharactersTheSdkRejectsAreRefused() {
    for (String bad : List.of("a:b", "a;b", "a,b", "a#b", "a?b", "a/b", "a'b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> fromEnv(env("WANDB_RUN_ID", bad)));
      assertTrue(e.getMessage().startsWith("WANDB_RUN_ID=" + bad + " is not allowed"), e.getMessage());
      assertTrue(e.getMessage().contains(":;,#?/'"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> WandbSettings.builder().runId("x/y").build());
  }

  @Test
  void randomRunIdsAreEightLowerCaseLettersAndDigitsAndDiffer() {
    String a = WandbSettings.builder().build().runId();
    String b = WandbSettings.builder().build().runId();
    assertTrue(a.matches("[a-z0-9]{8}") && b.matches("[a-z0-9]{8}"));
    assertFalse(a.equals(b));
  }

  @Test
  void appUrlIsDerivedAsTheSdkDoes() {
    assertEquals("https://wandb.ai", WandbSettings.deriveAppUrl("https://api.wandb.ai"));
    assertEquals("https://app.example.com", WandbSettings.deriveAppUrl("https://api.example.com"));
    assertEquals("http://localhost:8080", WandbSettings.deriveAppUrl("http://localhost:8080"));
    assertEquals("https://my.site", fromEnv(env("WANDB_APP_URL", "https://my.site/")).appUrl());
  }

  @Test
  void badBaseUrlsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> fromEnv(env("WANDB_BASE_URL", "ftp://x")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fromEnv(env("WANDB_BASE_URL", "http://api.wandb.ai")));
    assertTrue(e.getMessage().startsWith("WANDB_BASE_URL=http://api.wandb.ai is not allowed"), e.getMessage());
  }

  @Test
  void badBooleansAndDurationsNameTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromEnv(env("WANDB_SILENT", "maybe")));
    assertEquals("WANDB_SILENT=maybe is not allowed; use true or false (1/0, yes/no, on/off also work)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> WandbSettings.builder().finishTimeout(java.time.Duration.ZERO).build());
    assertEquals("finishTimeout=PT0S is not allowed; use a positive duration", e.getMessage());
  }

  @Test
  void theKeyIsReadFromNetrcForTheHostWithItsPortThenTheBareHost() throws Exception {
    Path netrc = home.resolve(".netrc");
    Files.writeString(netrc, "machine other.host login user password nope\n"
        + "machine localhost:8080\n  login user\n  password " + TestRuns.KEY + "\n"
        + "machine localhost login user password barehostkey000000000000000000000000000000\n");
    WandbSettings withPort = fromEnv(env("WANDB_BASE_URL", "http://localhost:8080"));
    assertTrue(withPort.hasApiKey());
    assertEquals(Optional.of(TestRuns.KEY), withPort.apiKey());
    assertEquals(Optional.of("netrc file " + netrc), withPort.apiKeySource());
    WandbSettings otherPort = fromEnv(env("WANDB_BASE_URL", "http://localhost:9090"));
    assertEquals(Optional.of("barehostkey000000000000000000000000000000"), otherPort.apiKey());
  }

  @Test
  void theNetrcVariableNamesTheFileAndTheEnvironmentKeyWins() throws Exception {
    Path netrc = home.resolve("custom-netrc");
    Files.writeString(netrc, "machine api.wandb.ai login user password " + TestRuns.KEY + "\n");
    assertEquals(Optional.of(TestRuns.KEY), fromEnv(env("NETRC", netrc.toString())).apiKey());
    WandbSettings both = fromEnv(env("NETRC", netrc.toString(), "WANDB_API_KEY", "envkey00000000000000000000000000000000000"));
    assertEquals(Optional.of("envkey00000000000000000000000000000000000"), both.apiKey());
    // Without NETRC, ~/.netrc is looked at (here: absent).
    assertFalse(fromEnv(env()).hasApiKey());
    assertEquals("WANDB_API_KEY and " + home.resolve(".netrc") + ", then " + home.resolve("_netrc")
        + " (machine api.wandb.ai)", fromEnv(env()).apiKeySearch());
  }

  @Test
  void netrcDefaultEntriesCommentsAndMacrosAreUnderstood() {
    Netrc netrc = Netrc.parse("# comment\nmacdef init\ncd /x\npassword fake\n\ndefault login u password \"d k\"\n");
    assertEquals(Optional.of("d k"), netrc.password(List.of("api.wandb.ai")));
  }

  @Test
  void aKeyThatCannotBeAHeaderIsRefusedWithoutShowingIt() {
    String bad = "secret with spaces 1234567890123456789012345";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fromEnv(env("WANDB_API_KEY", bad)));
    assertTrue(e.getMessage().startsWith("WANDB_API_KEY is not a valid W&B API key"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void toStringSaysWhereTheKeyCameFromButNeverShowsIt() {
    WandbSettings s = fromEnv(env("WANDB_API_KEY", TestRuns.KEY));
    assertFalse(s.toString().contains(TestRuns.KEY));
    assertTrue(s.toString().contains("apiKey=(set, from WANDB_API_KEY)"), s.toString());
    assertFalse(s.toBuilder().project("p").build().toString().contains(TestRuns.KEY));
  }
}
