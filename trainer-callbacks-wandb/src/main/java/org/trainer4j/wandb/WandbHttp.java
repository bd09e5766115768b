package org.trainer4j.wandb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Sends requests to the W&B API over OkHttp. Adds HTTP Basic authentication (user {@code api},
 * password the API key) to requests under the base URL only, so the key never goes to another host.
 * OkHttp never sends a request again by itself: every resend is the uploader's retry, with its backoff
 * and its log line. A call is created first and executed second, so that another thread can cancel it.
 */
final class WandbHttp {
  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl base;
  private final OkHttpClient client;

  WandbHttp(String baseUrl, Optional<String> apiKey, Duration requestTimeout) {
    this.base = HttpUrl.get(baseUrl + "/");
    String authorization = apiKey
        .map(k -> "Basic " + Base64.getEncoder().encodeToString(("api:" + k).getBytes(StandardCharsets.UTF_8)))
        .orElse(null);
    this.client = new OkHttpClient.Builder()
        .callTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .connectTimeout(Math.min(requestTimeout.toMillis(), 30_000), TimeUnit.MILLISECONDS)
        .readTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .followRedirects(false)
        // A POST that failed on the wire is retried by the uploader's policy, not silently here.
        .retryOnConnectionFailure(false)
        .addInterceptor(chain -> {
          Request request = chain.request();
          if (authorization != null && isUnderBase(request.url())) {
            request = request.newBuilder().header("Authorization", authorization).build();
          }
          return chain.proceed(request);
        })
        .build();
  }

  /** The URL of a path below the base URL, e.g. {@code graphql}. */
  HttpUrl url(String relativePath) {
    return base.resolve(relativePath);
  }

  /** A POST of a JSON body, not yet sent. */
  Call post(HttpUrl url, String json) {
    return client.newCall(new Request.Builder()
        .url(url)
        .header("User-Agent", "trainer4j-wandb")
        .post(RequestBody.create(json, JSON))
        .build());
  }

  /** A PUT of a run file's bytes to the address the server gave for it, with the headers it asked for. */
  Call put(HttpUrl url, byte[] content, List<String> headers) {
    Request.Builder request = new Request.Builder().url(url).header("User-Agent", "trainer4j-wandb");
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        request.addHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
      }
    }
    return client.newCall(request.put(RequestBody.create(content, null)).build());
  }

  /**
   * Sends the call and reads the whole answer.
   *
   * @throws IOException on a network error, a timeout, or when cancelled
   */
  static HttpResult execute(Call call) throws IOException {
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      return new HttpResult(response.code(), body.string(), retryAfter(response.header("Retry-After")));
    }
  }

  /** Releases connections and threads. */
  void shutdown() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private boolean isUnderBase(HttpUrl url) {
    return url.scheme().equals(base.scheme()) && url.host().equals(base.host()) && url.port() == base.port()
        && url.encodedPath().startsWith(base.encodedPath());
  }

  /** {@code Retry-After} as seconds or as an HTTP date. */
  static Optional<Duration> retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
