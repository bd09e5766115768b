package org.trainer4j.wandb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
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
 * POSTs JSON to the W&B API over OkHttp. Adds HTTP Basic authentication (user {@code api}, password
 * the API key) to requests under the base URL only, so the key never goes to another host. One call at
 * a time, made on the uploader's thread; {@link #cancel()} stops the current one from another thread.
 */
final class WandbHttp {
  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl base;
  private final OkHttpClient client;
  private volatile Call current;

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

  /**
   * POSTs a JSON body and reads the whole answer.
   *
   * @throws IOException on a network error, a timeout, or when cancelled
   */
  HttpResult post(HttpUrl url, String json) throws IOException {
    Request request = new Request.Builder()
        .url(url)
        .header("User-Agent", "trainer4j-wandb")
        .post(RequestBody.create(json, JSON))
        .build();
    Call call = client.newCall(request);
    current = call;
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      String text = body.string();
      return new HttpResult(response.code(), text, retryAfter(response.header("Retry-After")));
    } finally {
      current = null;
    }
  }

  /** Cancels the call in flight, if any (its {@link #post} throws). */
  void cancel() {
    Call call = current;
    if (call != null) {
      call.cancel();
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
